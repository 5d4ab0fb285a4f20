package com.accountauth.extension.metrics;

/** A counter the extension counts with; free of the registry's types, so the admin CLI runs without them. */
public interface Count {

    /** Counts nothing: for metrics that go nowhere. */
    Count NONE = new Count() {
        @Override
        public void inc(final long n) {
        }
    };

    void inc(long n);

    default void inc() {
        inc(1);
    }

    default void dec() {
        inc(-1);
    }
}
