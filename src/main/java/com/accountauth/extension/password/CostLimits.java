package com.accountauth.extension.password;

/**
 * The highest cost a stored hash may have, per format: a row beyond them is refused (and logged) instead of checked,
 * so that one bad row cannot stall the authentication workers. Configured in {@code config.xml}.
 *
 * @param maxBcryptCost        {@code <authentication><max-bcrypt-cost>}
 * @param maxPbkdf2Iterations  {@code <passwords><max-pbkdf2-iterations>}
 * @param maxArgon2MemoryKib   {@code <passwords><max-argon2-memory-kib>}
 * @param maxArgon2Iterations  {@code <passwords><max-argon2-iterations>}
 * @param maxArgon2Parallelism {@code <passwords><max-argon2-parallelism>}
 */
public record CostLimits(int maxBcryptCost, int maxPbkdf2Iterations, int maxArgon2MemoryKib,
                         int maxArgon2Iterations, int maxArgon2Parallelism) {
}
