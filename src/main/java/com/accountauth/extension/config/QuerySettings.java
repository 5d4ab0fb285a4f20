package com.accountauth.extension.config;

/**
 * {@code <queries>}: every SQL statement the extension runs. Each value reaches the DB as a bound '?' parameter.
 *
 * @param deviceByMac            {@code <device-by-mac>} (? = MAC, optionally a second ? = client id, optionally then
 *                               the two parameters of {@code <device-reserving-client-id>}): columns id, mac, uid,
 *                               vendor, model, password_hash, enabled, with the client id client_id_account_id,
 *                               client_id_device_id (its owner, both NULL when unbound), and with all four
 *                               client_id_reserved_device_id (the device whose MAC or uid the client id is, NULL
 *                               when none)
 * @param deviceByMacReadsClientIdOwner whether {@code deviceByMac} takes the client id (2 or 4 parameters, not 1),
 *                               so a cold CONNECT learns the client id's owner without a client-id-owner query
 * @param deviceById             {@code <device-by-id>} (? = devices.id): columns id, mac, uid, vendor, model,
 *                               password_hash, enabled
 * @param accountByEmail         {@code <account-by-email>} (? = email, optionally a second ? = client id, optionally
 *                               then the reservation's two): columns id, email, password_hash, role, enabled, and
 *                               client_id_account_id, client_id_device_id, client_id_reserved_device_id as for
 *                               devices
 * @param accountByEmailReadsClientIdOwner the same for {@code accountByEmail}
 * @param accountById            {@code <account-by-id>} (? = accounts.id): columns id, email, password_hash, role,
 *                               enabled
 * @param devicesPairedToAccount {@code <devices-paired-to-account>} (? = accounts.id): columns id, uid, vendor, model,
 *                               enabled, role (a disabled device grants nothing)
 * @param bindClientId           {@code <bind-client-id>} (? = client id, account id or NULL, device id or NULL):
 *                               records the first principal of a client id, keeping an existing row
 * @param clientIdOwner          {@code <client-id-owner>} (? = client id): columns account_id, device_id
 * @param deviceReservingClientId {@code <device-reserving-client-id>} (? = the client id as an upper-case MAC with
 *                               colons when it is a MAC in any form, else as it is; ? = the client id): column id, of
 *                               the device whose MAC or uid the client id is (no row when none)
 * @param touchClientId          {@code <touch-client-id>} (? = client id): marks a binding used now; run batched,
 *                               at most once per {@code <last-used-interval-seconds>} per binding
 * @param expireClientIds        {@code <expire-client-ids>} (? = {@code <expire-unused-after-seconds>}): deletes the
 *                               bindings unused for that long; run once per interval, again while it deletes rows
 * @param changesSince           {@code <changes-since>} (? = the seq to read after): columns seq, account_id,
 *                               device_id, in seq order; the rows after it and also the table's oldest and newest
 *                               rows, so that a feed that went backwards or jumped is seen without a further query
 *                               (an older statement without them still works, at the cost of a
 *                               {@code <latest-change>} query per idle poll and without noticing a jump)
 * @param latestChange           {@code <latest-change>} (no parameter): column seq, the newest change's seq
 * @param updateDevicePassword   {@code <update-device-password>} (? = the new hash, devices.id, the hash it
 *                               replaces): upgrade on login; changes the row only if it still holds the old hash
 * @param updateAccountPassword  {@code <update-account-password>} (? = the new hash, accounts.id, the old hash): the
 *                               same for accounts
 * @param accountsPairedToDevice {@code <accounts-paired-to-device>} (? = devices.id): columns id, email, role (of the
 *                               pairing), enabled; only the admin CLI's {@code list} runs it
 * @param clientIdsOf            {@code <client-ids-of>} (? = account id or NULL, ? = device id or NULL): column
 *                               client_id, the client ids bound to the principal; only the admin CLI runs it
 * @param devicesToPreload       {@code <devices-to-preload>} (? = the devices.id to read after, ? = how many
 *                               devices): columns id, mac, uid, vendor, model, password_hash, enabled, client_id (one
 *                               row per client id bound to the device, NULL when none), in id order; read in pages
 *                               at start ({@code <cache><preload-devices>})
 */
public record QuerySettings(String deviceByMac, boolean deviceByMacReadsClientIdOwner, String deviceById,
                            String accountByEmail, boolean accountByEmailReadsClientIdOwner, String accountById,
                            String devicesPairedToAccount, String bindClientId, String clientIdOwner,
                            String deviceReservingClientId, String touchClientId, String expireClientIds,
                            String changesSince, String latestChange, String updateDevicePassword,
                            String updateAccountPassword, String accountsPairedToDevice, String clientIdsOf,
                            String devicesToPreload) {

    private static final String DEVICE_COLUMNS = "SELECT id, mac, uid, vendor, model, password_hash, enabled FROM devices";
    private static final String ACCOUNT_COLUMNS = "SELECT id, email, password_hash, role, enabled FROM accounts";
    // the row (at most one) joined with the owner of the client id; LEFT JOIN: an unbound client id gives NULLs
    private static final String CLIENT_ID_OWNER_COLUMNS =
            "c.account_id AS client_id_account_id, c.device_id AS client_id_device_id";
    private static final String JOIN_CLIENT_ID_OWNER = " LEFT JOIN client_ids c ON c.client_id = ?";
    // the device the client id is reserved to, as <device-reserving-client-id> reads it: an aggregate without GROUP
    // BY is always one row (NULL for none), so the join never loses the principal's row
    private static final String RESERVATION_COLUMN = ", r.id AS client_id_reserved_device_id";
    private static final String JOIN_RESERVATION =
            " CROSS JOIN (SELECT MIN(id) AS id FROM devices WHERE mac = ? OR uid = ?) r";

    public static final String DEFAULT_DEVICE_BY_MAC =
            "SELECT d.id, d.mac, d.uid, d.vendor, d.model, d.password_hash, d.enabled, " + CLIENT_ID_OWNER_COLUMNS +
                    RESERVATION_COLUMN + " FROM (" + DEVICE_COLUMNS + " WHERE mac = ?) d" + JOIN_CLIENT_ID_OWNER +
                    JOIN_RESERVATION;
    public static final String DEFAULT_DEVICE_BY_ID = DEVICE_COLUMNS + " WHERE id = ?";
    public static final String DEFAULT_ACCOUNT_BY_EMAIL =
            "SELECT a.id, a.email, a.password_hash, a.role, a.enabled, " + CLIENT_ID_OWNER_COLUMNS +
                    RESERVATION_COLUMN + " FROM (" + ACCOUNT_COLUMNS + " WHERE email = ?) a" + JOIN_CLIENT_ID_OWNER +
                    JOIN_RESERVATION;
    public static final String DEFAULT_ACCOUNT_BY_ID = ACCOUNT_COLUMNS + " WHERE id = ?";
    public static final String DEFAULT_DEVICES_PAIRED_TO_ACCOUNT =
            "SELECT d.id, d.uid, d.vendor, d.model, d.enabled, p.role FROM pairings p " +
                    "JOIN devices d ON d.id = p.device_id WHERE p.account_id = ?";
    public static final String DEFAULT_BIND_CLIENT_ID =
            "INSERT IGNORE INTO client_ids (client_id, account_id, device_id) VALUES (?, ?, ?)";
    public static final String DEFAULT_CLIENT_ID_OWNER =
            "SELECT account_id, device_id FROM client_ids WHERE client_id = ?";
    public static final String DEFAULT_DEVICE_RESERVING_CLIENT_ID = "SELECT id FROM devices WHERE mac = ? OR uid = ?";
    public static final String DEFAULT_TOUCH_CLIENT_ID =
            "UPDATE client_ids SET last_used_at = CURRENT_TIMESTAMP WHERE client_id = ?";
    // TIMESTAMPADD: the same in MySQL, MariaDB and H2; LIMIT keeps each DELETE's locks short
    public static final String DEFAULT_EXPIRE_CLIENT_IDS =
            "DELETE FROM client_ids WHERE last_used_at < TIMESTAMPADD(SECOND, 0 - ?, CURRENT_TIMESTAMP) LIMIT 10000";
    public static final String DEFAULT_CHANGES_SINCE =
            "SELECT seq, account_id, device_id FROM account_changes WHERE seq > ? " +
                    "OR seq = (SELECT MIN(seq) FROM account_changes) OR seq = (SELECT MAX(seq) FROM account_changes) " +
                    "ORDER BY seq LIMIT 1000";
    public static final String DEFAULT_LATEST_CHANGE = "SELECT COALESCE(MAX(seq), 0) AS seq FROM account_changes";
    // compare-and-set on the old hash: an admin's new password written meanwhile is never overwritten
    public static final String DEFAULT_UPDATE_DEVICE_PASSWORD =
            "UPDATE devices SET password_hash = ? WHERE id = ? AND password_hash = ?";
    public static final String DEFAULT_UPDATE_ACCOUNT_PASSWORD =
            "UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?";
    public static final String DEFAULT_ACCOUNTS_PAIRED_TO_DEVICE =
            "SELECT a.id, a.email, p.role, a.enabled FROM pairings p JOIN accounts a ON a.id = p.account_id " +
                    "WHERE p.device_id = ? ORDER BY a.email";
    public static final String DEFAULT_CLIENT_IDS_OF =
            "SELECT client_id FROM client_ids WHERE account_id = ? OR device_id = ? ORDER BY client_id";

    // a page of devices (the LIMIT inside, so that a device's client ids never straddle two pages), each with the
    // client ids bound to it
    public static final String DEFAULT_DEVICES_TO_PRELOAD =
            "SELECT d.id, d.mac, d.uid, d.vendor, d.model, d.password_hash, d.enabled, c.client_id FROM (" +
                    DEVICE_COLUMNS + " WHERE id > ? ORDER BY id LIMIT ?) d " +
                    "LEFT JOIN client_ids c ON c.device_id = d.id ORDER BY d.id";

    /** The parameters a principal query takes when it also reads the device its client id is reserved to. */
    public static final int READS_RESERVATION = 4;

    /** Whether {@code deviceByMac} also reads the device the client id is reserved to (4 parameters). */
    public boolean deviceByMacReadsReservation() {
        return SqlParameters.count(deviceByMac) == READS_RESERVATION;
    }

    /** Whether {@code accountByEmail} also reads the device the client id is reserved to (4 parameters). */
    public boolean accountByEmailReadsReservation() {
        return SqlParameters.count(accountByEmail) == READS_RESERVATION;
    }
}
