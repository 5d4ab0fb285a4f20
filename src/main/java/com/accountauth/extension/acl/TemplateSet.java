package com.accountauth.extension.acl;

import java.util.List;

/** The publish and subscribe templates granted to one kind of principal (or for one kind of pairing). */
public record TemplateSet(List<TopicTemplate> publish, List<TopicTemplate> subscribe) {

    public TemplateSet {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
    }
}
