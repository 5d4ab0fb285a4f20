package com.accountauth.extension.config;

import java.util.List;

/** Every problem found in config.xml, each naming the element it is about. */
public final class InvalidConfigException extends Exception {

    private final List<String> problems;

    public InvalidConfigException(final List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
