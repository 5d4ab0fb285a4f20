package com.accountauth.extension.config;

/**
 * {@code <authentication>}: how CONNECTs are verified.
 *
 * @param timeoutMillis   {@code <timeout-millis>}, longest a CONNECT waits for its answer; then 0x88. Default 10000
 * @param workerThreads   {@code <worker-threads>}, threads for DB look-ups and password checks. Default: cores + 8
 * @param passwordCheckThreads {@code <password-check-threads>}, costly password checks (bcrypt, PBKDF2, Argon2id)
 *                        running at once, so the CPU they take stays bounded while other workers wait on the DB.
 *                        Default: the number of cores
 * @param queueSize       {@code <queue-size>}, CONNECTs waiting for a worker; beyond it 0x88 at once. Default 10000
 * @param maxBcryptCost   {@code <max-bcrypt-cost>}, stored hashes of a higher cost are refused. Default 14
 * @param dummyBcryptCost {@code <dummy-bcrypt-cost>}, bcrypt cost of new hashes (upgrade on login, hash-password)
 *                        and of the dummy check spent on unknown users where the kind's target is bcrypt. Default 10
 */
public record AuthenticationSettings(long timeoutMillis, int workerThreads, int passwordCheckThreads, int queueSize,
                                     int maxBcryptCost, int dummyBcryptCost) {

    public static final long DEFAULT_TIMEOUT_MILLIS = ConfigElements.AUTH_TIMEOUT_MILLIS.defaultValue();
    public static final int DEFAULT_QUEUE_SIZE = ConfigElements.QUEUE_SIZE.defaultValue();
    public static final int DEFAULT_MAX_BCRYPT_COST = ConfigElements.MAX_BCRYPT_COST.defaultValue();
    public static final int DEFAULT_DUMMY_BCRYPT_COST = ConfigElements.DUMMY_BCRYPT_COST.defaultValue();

    public static int defaultWorkerThreads() {
        return ConfigElements.WORKER_THREADS.defaultValue();
    }
}
