package com.accountauth.extension.metrics;

/** A timer the extension records durations in; free of the registry's types, like {@link Count}. */
@FunctionalInterface
public interface Timing {

    /** Records nothing: for metrics that go nowhere. */
    Timing NONE = nanos -> { };

    void record(long nanos);
}
