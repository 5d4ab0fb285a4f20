package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.StatementKind;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static com.accountauth.extension.testsupport.StatementKind.ACCOUNT_BY_EMAIL;
import static com.accountauth.extension.testsupport.StatementKind.BIND_CLIENT_ID;
import static com.accountauth.extension.testsupport.StatementKind.CLIENT_ID_OWNER;
import static com.accountauth.extension.testsupport.StatementKind.DEVICE_BY_MAC;
import static com.accountauth.extension.testsupport.StatementKind.DEVICE_RESERVING_CLIENT_ID;
import static com.accountauth.extension.testsupport.StatementKind.PAIRED_DEVICES;

/**
 * An older config.xml whose device-by-mac and account-by-email take only the login still works: the client id's
 * owner is then read with client-id-owner, one statement more per cold CONNECT.
 */
class LegacyPrincipalQueriesIT extends ColdConnectQueries {

    @BeforeAll
    static void startWithOneParameterPrincipalQueries() {
        start(config -> config
                .replaceFirst("<device-by-mac>[^<]*</device-by-mac>", "<device-by-mac>SELECT id, mac, uid, vendor, " +
                        "model, password_hash, enabled FROM devices WHERE mac = ?</device-by-mac>")
                .replaceFirst("<account-by-email>[^<]*</account-by-email>", "<account-by-email>SELECT id, email, " +
                        "password_hash, role, enabled FROM accounts WHERE email = ?</account-by-email>"));
    }

    @Override
    List<StatementKind> coldDevice() {
        return List.of(DEVICE_BY_MAC, DEVICE_RESERVING_CLIENT_ID, CLIENT_ID_OWNER);
    }

    @Override
    List<StatementKind> coldUser() {
        return List.of(ACCOUNT_BY_EMAIL, DEVICE_RESERVING_CLIENT_ID, CLIENT_ID_OWNER, PAIRED_DEVICES);
    }

    @Override
    List<StatementKind> coldHijack(final StatementKind principalQuery) {
        return List.of(principalQuery, DEVICE_RESERVING_CLIENT_ID, CLIENT_ID_OWNER);
    }

    @Override
    List<StatementKind> coldUserWithNewClientId() {
        return List.of(ACCOUNT_BY_EMAIL, DEVICE_RESERVING_CLIENT_ID, CLIENT_ID_OWNER, BIND_CLIENT_ID, PAIRED_DEVICES);
    }

    @Override
    long crowdOwnerLookUps() {
        return 100;
    }
}
