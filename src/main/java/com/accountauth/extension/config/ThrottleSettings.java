package com.accountauth.extension.config;

/**
 * {@code <throttling>}: how many failed CONNECTs a source address and a username may cost before further attempts
 * are refused without a bcrypt check. Failures refill at a steady rate (token buckets), so an honest client that
 * mistyped recovers by itself.
 *
 * @param enabled                   {@code <enabled>}. Default true
 * @param addressFailureBurst       {@code <address-failure-burst>}, failed CONNECTs one address may have in a row.
 *                                  Default 10, min 1
 * @param addressFailuresPerMinute  {@code <address-failures-per-minute>}, how fast that allowance refills.
 *                                  Default 60, min 1
 * @param addressMaxInFlight        {@code <address-max-in-flight>}, CONNECTs of one address waiting for a worker at
 *                                  once; more are refused at once, so one address cannot fill the queue. Default 500,
 *                                  min 1
 * @param usernameFailureBurst      {@code <username-failure-burst>}, failed CONNECTs for one username from addresses
 *                                  it never logged in from. Default 5, min 1
 * @param usernameFailuresPerMinute {@code <username-failures-per-minute>}, how fast that refills. Default 5, min 1
 */
public record ThrottleSettings(boolean enabled, int addressFailureBurst, int addressFailuresPerMinute,
                               int addressMaxInFlight, int usernameFailureBurst, int usernameFailuresPerMinute) {

    public static final int DEFAULT_ADDRESS_FAILURE_BURST = ConfigElements.ADDRESS_FAILURE_BURST.defaultValue();
    public static final int DEFAULT_ADDRESS_FAILURES_PER_MINUTE =
            ConfigElements.ADDRESS_FAILURES_PER_MINUTE.defaultValue();
    public static final int DEFAULT_ADDRESS_MAX_IN_FLIGHT = ConfigElements.ADDRESS_MAX_IN_FLIGHT.defaultValue();
    public static final int DEFAULT_USERNAME_FAILURE_BURST = ConfigElements.USERNAME_FAILURE_BURST.defaultValue();
    public static final int DEFAULT_USERNAME_FAILURES_PER_MINUTE =
            ConfigElements.USERNAME_FAILURES_PER_MINUTE.defaultValue();

    /** The defaults. */
    public static ThrottleSettings defaults() {
        return new ThrottleSettings(true, DEFAULT_ADDRESS_FAILURE_BURST, DEFAULT_ADDRESS_FAILURES_PER_MINUTE,
                DEFAULT_ADDRESS_MAX_IN_FLIGHT, DEFAULT_USERNAME_FAILURE_BURST, DEFAULT_USERNAME_FAILURES_PER_MINUTE);
    }
}
