-- account-auth default schema (MySQL 8 / MariaDB 10.5+).
-- Admins manage everything here with plain SQL; the extension only reads these tables.
-- Every statement the extension runs is in config.xml, so an existing account DB can be used instead.

CREATE TABLE IF NOT EXISTS accounts (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    -- compared case-insensitively by the collation; the stored spelling is the identity the broker keeps
    email         VARCHAR(254) NOT NULL,
    -- bcrypt: $2a$, $2b$ or $2y$; NULL or anything else means the account cannot log in
    password_hash VARCHAR(100) NULL,
    role          VARCHAR(16)  NOT NULL DEFAULT 'user',
    enabled       BOOLEAN      NOT NULL DEFAULT TRUE,
    PRIMARY KEY (id),
    UNIQUE KEY uq_accounts_email (email),
    CONSTRAINT ck_accounts_role CHECK (role IN ('user', 'service'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS devices (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    -- upper-case hex with colons: 00:1B:FE:0D:44:21 (the extension normalises what a device sends)
    mac           CHAR(17)     NOT NULL,
    -- the device's topic identity: /<vendor>/<model>/<event>/<uid>
    uid           VARCHAR(64)  NOT NULL,
    vendor        VARCHAR(64)  NOT NULL,
    model         VARCHAR(64)  NOT NULL,
    password_hash VARCHAR(100) NULL,
    enabled       BOOLEAN      NOT NULL DEFAULT TRUE,
    PRIMARY KEY (id),
    UNIQUE KEY uq_devices_mac (mac),
    UNIQUE KEY uq_devices_uid (uid),
    CONSTRAINT ck_devices_mac_upper CHECK (mac = UPPER(mac))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS pairings (
    account_id BIGINT      NOT NULL,
    device_id  BIGINT      NOT NULL,
    -- owner: sees the device's topics and sends it commands; viewer: only sees
    role       VARCHAR(16) NOT NULL DEFAULT 'viewer',
    PRIMARY KEY (account_id, device_id),
    KEY ix_pairings_device (device_id),
    CONSTRAINT fk_pairings_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT fk_pairings_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE,
    CONSTRAINT ck_pairings_role CHECK (role IN ('owner', 'viewer'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
