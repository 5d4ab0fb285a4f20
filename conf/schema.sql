-- account-auth default schema (MySQL 8 / MariaDB 10.5+).
-- Admins manage everything here with plain SQL; the extension only reads these tables (and, with upgrade on login,
-- rewrites password_hash: see <passwords><upgrade-on-login> in config.xml).
-- Every statement the extension runs is in config.xml, so an existing account DB can be used instead.

CREATE TABLE IF NOT EXISTS accounts (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    -- compared case-insensitively by the collation; the stored spelling is the identity the broker keeps
    email         VARCHAR(254) NOT NULL,
    -- the format is the hash's own prefix: bcrypt $2a$/$2b$/$2y$, PBKDF2 $7$ (mosquitto), $pbkdf2-sha256$,
    -- $pbkdf2-sha512$ (passlib), pbkdf2_sha256$ (Django), Argon2id $argon2id$, mosquitto's old $6$, and the fast
    -- scheme $sha256$/$hmac-sha256$ (devices only by default). NULL or anything else: the row cannot log in
    password_hash VARCHAR(255) NULL,
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
    -- as accounts.password_hash; a device's random secret may use the fast scheme (provision-device)
    password_hash VARCHAR(255) NULL,
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

-- Client ids belong to the principal that first used one: another principal presenting it is refused, so nobody can
-- take over a device's or another user's session. Rows go with their account or device. The extension writes this
-- table (binding, last_used_at once per interval, deleting rows unused for <expire-unused-after-seconds>).
-- An install from before last_used_at: ALTER TABLE client_ids ADD COLUMN last_used_at TIMESTAMP NOT NULL
--     DEFAULT CURRENT_TIMESTAMP, ADD KEY ix_client_ids_last_used (last_used_at);
CREATE TABLE IF NOT EXISTS client_ids (
    -- 191: the longest utf8mb4 key InnoDB indexes everywhere; <client-ids><max-length> refuses longer ids
    client_id    VARCHAR(191) NOT NULL,
    account_id   BIGINT       NULL,
    device_id    BIGINT       NULL,
    bound_at     TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (client_id),
    KEY ix_client_ids_last_used (last_used_at),
    CONSTRAINT fk_client_ids_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT fk_client_ids_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The change feed: the triggers below add a row for every change that can alter what a connected client may do.
-- Every broker node polls it by seq, so a change reaches all nodes within the poll interval. Old rows can be deleted
-- at will (e.g. a daily DELETE ... WHERE changed_at < NOW() - INTERVAL 1 DAY).
CREATE TABLE IF NOT EXISTS account_changes (
    seq        BIGINT    NOT NULL AUTO_INCREMENT,
    account_id BIGINT    NULL,
    device_id  BIGINT    NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (seq)
) ENGINE = InnoDB;

-- An UPDATE records the row before and after (UNION: once when they are equal), so a row moved to another account or
-- device (or given another id) re-evaluates the side it left as well as the side it reached.
CREATE TRIGGER IF NOT EXISTS tr_accounts_insert AFTER INSERT ON accounts FOR EACH ROW INSERT INTO account_changes (account_id) VALUES (NEW.id);
CREATE TRIGGER IF NOT EXISTS tr_accounts_update AFTER UPDATE ON accounts FOR EACH ROW INSERT INTO account_changes (account_id) SELECT OLD.id UNION SELECT NEW.id;
CREATE TRIGGER IF NOT EXISTS tr_accounts_delete AFTER DELETE ON accounts FOR EACH ROW INSERT INTO account_changes (account_id) VALUES (OLD.id);
CREATE TRIGGER IF NOT EXISTS tr_devices_insert AFTER INSERT ON devices FOR EACH ROW INSERT INTO account_changes (device_id) VALUES (NEW.id);
CREATE TRIGGER IF NOT EXISTS tr_devices_update AFTER UPDATE ON devices FOR EACH ROW INSERT INTO account_changes (device_id) SELECT OLD.id UNION SELECT NEW.id;
CREATE TRIGGER IF NOT EXISTS tr_devices_delete AFTER DELETE ON devices FOR EACH ROW INSERT INTO account_changes (device_id) VALUES (OLD.id);
CREATE TRIGGER IF NOT EXISTS tr_pairings_insert AFTER INSERT ON pairings FOR EACH ROW INSERT INTO account_changes (account_id, device_id) VALUES (NEW.account_id, NEW.device_id);
CREATE TRIGGER IF NOT EXISTS tr_pairings_update AFTER UPDATE ON pairings FOR EACH ROW INSERT INTO account_changes (account_id, device_id) SELECT OLD.account_id, OLD.device_id UNION SELECT NEW.account_id, NEW.device_id;
CREATE TRIGGER IF NOT EXISTS tr_pairings_delete AFTER DELETE ON pairings FOR EACH ROW INSERT INTO account_changes (account_id, device_id) VALUES (OLD.account_id, OLD.device_id);
