package com.accountauth.extension.auth;

/** Why a CONNECT is refused; the authenticator turns each into its CONNACK code. */
public enum Refusal {
    /** Unknown username, wrong or missing password: 0x86 (MQTT 3.1.1: 4). */
    BAD_CREDENTIALS,
    /** Right password, but the account or device is disabled or unusable: 0x87 (3.1.1: 5). */
    NOT_AUTHORIZED,
    /** The client id belongs to another principal or breaks the configured pattern: 0x85 (3.1.1: 2). */
    CLIENT_ID_NOT_VALID,
    /** The account DB did not answer, or there was no capacity to ask it: 0x88 (3.1.1: 3). */
    UNAVAILABLE
}
