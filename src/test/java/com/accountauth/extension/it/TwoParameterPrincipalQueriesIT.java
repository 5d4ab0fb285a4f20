package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.StatementKind;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static com.accountauth.extension.testsupport.StatementKind.ACCOUNT_BY_EMAIL;
import static com.accountauth.extension.testsupport.StatementKind.BIND_CLIENT_ID;
import static com.accountauth.extension.testsupport.StatementKind.DEVICE_BY_MAC;
import static com.accountauth.extension.testsupport.StatementKind.DEVICE_RESERVING_CLIENT_ID;
import static com.accountauth.extension.testsupport.StatementKind.PAIRED_DEVICES;

/**
 * A config.xml from before the reservation was folded in: device-by-mac and account-by-email read the owner of the
 * CONNECT's client id (2 parameters) but not the device it is reserved to, which then costs a statement of its own
 * for a client id that is not the device's own MAC or uid.
 */
class TwoParameterPrincipalQueriesIT extends ColdConnectQueries {

    @BeforeAll
    static void startWithTwoParameterPrincipalQueries() {
        start(config -> config
                .replaceFirst("<device-by-mac>[^<]*</device-by-mac>", "<device-by-mac>SELECT d.id, d.mac, d.uid, " +
                        "d.vendor, d.model, d.password_hash, d.enabled, c.account_id AS client_id_account_id, " +
                        "c.device_id AS client_id_device_id FROM (SELECT id, mac, uid, vendor, model, password_hash, " +
                        "enabled FROM devices WHERE mac = ?) d LEFT JOIN client_ids c ON c.client_id = ?</device-by-mac>")
                .replaceFirst("<account-by-email>[^<]*</account-by-email>", "<account-by-email>SELECT a.id, a.email, " +
                        "a.password_hash, a.role, a.enabled, c.account_id AS client_id_account_id, c.device_id AS " +
                        "client_id_device_id FROM (SELECT id, email, password_hash, role, enabled FROM accounts " +
                        "WHERE email = ?) a LEFT JOIN client_ids c ON c.client_id = ?</account-by-email>"));
    }

    @Override
    List<StatementKind> coldDevice() {
        return List.of(DEVICE_BY_MAC, DEVICE_RESERVING_CLIENT_ID);
    }

    @Override
    List<StatementKind> coldUser() {
        return List.of(ACCOUNT_BY_EMAIL, DEVICE_RESERVING_CLIENT_ID, PAIRED_DEVICES);
    }

    @Override
    List<StatementKind> coldHijack(final StatementKind principalQuery) {
        return List.of(principalQuery, DEVICE_RESERVING_CLIENT_ID);
    }

    @Override
    List<StatementKind> coldUserWithNewClientId() {
        // known to be unbound from the row: bound at once, and not read back, as the INSERT says it won
        return List.of(ACCOUNT_BY_EMAIL, DEVICE_RESERVING_CLIENT_ID, BIND_CLIENT_ID, PAIRED_DEVICES);
    }

    @Override
    long crowdOwnerLookUps() {
        // the loading CONNECT knew its client id unbound from the row (bind only); 99 looked theirs up first
        return 99;
    }
}
