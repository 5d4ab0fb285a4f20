package com.accountauth.extension.config;

/**
 * {@code <reload>}: conf/config.xml is looked at again while the broker runs, and a valid new version is taken over
 * where it can be (the topic templates, retained and shared rights, server-side subscriptions: docs/RELOAD.md).
 *
 * @param intervalSeconds {@code <interval-seconds>}: how often the file is compared with the one in use; 0 reads it
 *                        only at start. Default 10
 */
public record ReloadSettings(int intervalSeconds) {

    public static final int DEFAULT_INTERVAL_SECONDS = ConfigElements.RELOAD_INTERVAL_SECONDS.defaultValue();

    /** True when the file is watched. */
    public boolean enabled() {
        return intervalSeconds > 0;
    }
}
