package com.accountauth.extension.acl;

/**
 * One filter of a principal's permissions and what it allows there: the unit the broker checks a PUBLISH or
 * SUBSCRIBE against.
 *
 * @param filter    the topic filter
 * @param publish   true when topics it matches may be published to
 * @param subscribe true when subscriptions it covers are allowed
 */
public record TopicGrant(TopicFilter filter, boolean publish, boolean subscribe) {
}
