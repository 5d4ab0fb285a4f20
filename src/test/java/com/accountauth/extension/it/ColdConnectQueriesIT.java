package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.StatementKind;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static com.accountauth.extension.testsupport.StatementKind.ACCOUNT_BY_EMAIL;
import static com.accountauth.extension.testsupport.StatementKind.BIND_CLIENT_ID;
import static com.accountauth.extension.testsupport.StatementKind.DEVICE_BY_MAC;
import static com.accountauth.extension.testsupport.StatementKind.PAIRED_DEVICES;

/**
 * With the shipped config.xml, device-by-mac and account-by-email read the owner of the CONNECT's client id and the
 * device it is reserved to (whether it is another device's MAC or uid) in the same statement: a cold device CONNECT
 * costs 1 statement, a cold user 2 (its row, its pairings), whatever its client id.
 */
class ColdConnectQueriesIT extends ColdConnectQueries {

    @BeforeAll
    static void startWithTheShippedConfig() {
        start(config -> config);
    }

    @Override
    List<StatementKind> coldDevice() {
        return List.of(DEVICE_BY_MAC);
    }

    @Override
    List<StatementKind> coldUser() {
        return List.of(ACCOUNT_BY_EMAIL, PAIRED_DEVICES);
    }

    @Override
    List<StatementKind> coldHijack(final StatementKind principalQuery) {
        return List.of(principalQuery);
    }

    @Override
    List<StatementKind> coldUserWithNewClientId() {
        // known to be unbound from the row: bound at once, and not read back, as the INSERT says it won
        return List.of(ACCOUNT_BY_EMAIL, BIND_CLIENT_ID, PAIRED_DEVICES);
    }

    @Override
    long crowdOwnerLookUps() {
        // the loading CONNECT knew its client id unbound from the row (bind only); 99 looked theirs up first
        return 99;
    }

    @Override
    long crowdReservationLookUps() {
        // the loading CONNECT read its client id's reservation with the row
        return 99;
    }
}
