package com.accountauth.extension.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class LoggableJdbcUrlTest {

    @Test
    void aPlainUrlIsShownAsIs() {
        assertEquals("jdbc:mysql://db:3306/accounts", LoggableJdbcUrl.of("jdbc:mysql://db:3306/accounts"));
    }

    @Test
    void queryParametersAreNeverShown() {
        assertEquals("jdbc:mysql://db:3306/accounts?<properties not logged>",
                LoggableJdbcUrl.of("jdbc:mysql://db:3306/accounts?user=app&password=s3cret&useSSL=true"));
        assertEquals("jdbc:h2:mem:demo?<properties not logged>",
                LoggableJdbcUrl.of("jdbc:h2:mem:demo;MODE=MySQL;PASSWORD=s3cret"));
    }

    @Test
    void userInfoIsNeverShown() {
        assertEquals("jdbc:mysql://<user>@db/accounts", LoggableJdbcUrl.of("jdbc:mysql://app:s3cret@db/accounts"));
        assertEquals("jdbc:mariadb://<user>@db1,db2/accounts?<properties not logged>",
                LoggableJdbcUrl.of("jdbc:mariadb://app:p@ss@db1,db2/accounts?password=s3cret"));
    }

    @Test
    void keyValueHostFormsAreNeverShown() {
        final String shown = LoggableJdbcUrl.of(
                "jdbc:mysql://address=(host=db)(port=3306)(user=app)(password=s3cret)/accounts");
        assertFalse(shown.contains("s3cret"), shown);
        assertEquals("jdbc:mysql://<address with properties>", shown);
    }

    @Test
    void databaseSettingsLogNoSecretFromTheUrl() {
        final DatabaseSettings settings = new DatabaseSettings("jdbc:mysql://app:s3cret@db/accounts?password=s3cret",
                "app", "other-secret", java.util.Optional.empty(), 8, 2000, 2, 300);
        assertFalse(settings.toString().contains("s3cret"), settings.toString());
        assertFalse(settings.toString().contains("other-secret"), settings.toString());
    }
}
