package com.accountauth.extension.config;

import com.accountauth.extension.acl.MessageRights;
import com.accountauth.extension.acl.RightsByKind;
import com.accountauth.extension.identity.CertificateField;
import com.accountauth.extension.identity.ListenerLogin;
import com.accountauth.extension.identity.LoginMode;
import com.accountauth.extension.identity.Principal;
import com.accountauth.extension.password.PasswordFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    private static final Map<String, String> ENV = Map.of(
            "ACCOUNT_AUTH_JDBC_URL", "jdbc:mysql://db:3306/accounts",
            "ACCOUNT_AUTH_DB_USER", "mqtt",
            "ACCOUNT_AUTH_DB_PASSWORD", "s3cret");

    @TempDir
    Path dir;

    private AccountAuthConfig load(final String xml) throws Exception {
        final Path file = dir.resolve("config.xml");
        Files.writeString(file, xml);
        return new ConfigLoader(ENV::get).load(file);
    }

    private InvalidConfigException fails(final String xml) throws IOException {
        final Path file = dir.resolve("config.xml");
        Files.writeString(file, xml);
        return assertThrows(InvalidConfigException.class, () -> new ConfigLoader(ENV::get).load(file));
    }

    private static String minimal(final String extra) {
        return "<account-auth><database><jdbc-url>jdbc:mysql://h/db</jdbc-url><username>u</username></database>" +
                extra + "</account-auth>";
    }

    @Test
    void shippedConfigLoadsWithTheEnvironment() throws Exception {
        final Path shipped = Path.of(System.getProperty("user.dir"), "conf", "config.xml");
        final AccountAuthConfig config = new ConfigLoader(ENV::get).load(shipped);
        assertEquals("jdbc:mysql://db:3306/accounts", config.database().jdbcUrl());
        assertEquals("s3cret", config.database().password());
        assertEquals(QuerySettings.DEFAULT_DEVICE_BY_MAC, config.queries().deviceByMac());
        assertEquals(4, config.permissions().device().publish().size() +
                config.permissions().device().subscribe().size());
        assertEquals("[/${{vendor}}/${{model}}/command/${{uid}}, /${{vendor}}/${{model}}/command/${{uid}}/#]",
                config.permissions().ownedDevice().publish().toString());
    }

    @Test
    void shippedConfigWithoutTheEnvironmentNamesEachVariable() {
        final Path shipped = Path.of(System.getProperty("user.dir"), "conf", "config.xml");
        final InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new ConfigLoader(name -> null).load(shipped));
        assertTrue(e.getMessage().contains("<database>/<jdbc-url>: environment variable ACCOUNT_AUTH_JDBC_URL is not set"),
                e.getMessage());
        assertTrue(e.getMessage().contains("ACCOUNT_AUTH_DB_USER"), e.getMessage());
    }

    @Test
    void defaultsApplyWhenElementsAreLeftOut() throws Exception {
        final AccountAuthConfig config = load(minimal(""));
        assertEquals(DatabaseSettings.DEFAULT_POOL_SIZE, config.database().poolSize());
        assertEquals("", config.database().password());
        assertEquals(AuthenticationSettings.DEFAULT_TIMEOUT_MILLIS, config.authentication().timeoutMillis());
        assertEquals("[/#]", config.permissions().service().publish().toString());
        assertEquals(2, config.permissions().pairedDevice().subscribe().size());
        assertTrue(config.permissions().pairedDevice().publish().isEmpty());
    }

    @Test
    void retainAndSharedSubscriptionsAreRefusedByDefaultButToServicesSharing() throws Exception {
        final RightsByKind rights = load(minimal("")).permissions().rights();
        assertEquals(new RightsByKind(MessageRights.NONE, MessageRights.NONE, new MessageRights(false, true)), rights);
        // the shipped file says the same as the defaults
        final Path shipped = Path.of(System.getProperty("user.dir"), "conf", "config.xml");
        assertEquals(rights, new ConfigLoader(ENV::get).load(shipped).permissions().rights());
    }

    @Test
    void retainAndSharedSubscriptionsAreSetPerKind() throws Exception {
        final RightsByKind rights = load(minimal("<permissions><retain><device>true</device></retain>" +
                "<shared-subscriptions><service>false</service><user>true</user></shared-subscriptions>" +
                "</permissions>")).permissions().rights();
        assertEquals(new RightsByKind(new MessageRights(true, false), new MessageRights(false, true),
                MessageRights.NONE), rights);
        final InvalidConfigException e = fails(minimal("<permissions><retain><device>yes</device><owner>true" +
                "</owner></retain></permissions>"));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<permissions>/<retain>/<device>: 'yes' is not true or false"), all);
        assertTrue(all.contains("<permissions>/<retain>/<owner>: unknown element"), all);
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsElement() throws IOException {
        final InvalidConfigException e = fails("<account-auth><database><jdbc-url>mysql://h</jdbc-url>" +
                "<pool-size>lots</pool-size><query-timeout-seconds>0</query-timeout-seconds><colour>red</colour>" +
                "</database><queries><device-by-id>SELECT 1</device-by-id></queries>" +
                "<permissions><device><publish>/a/#/b</publish><subscribe>/${{clientid}}</subscribe></device>" +
                "<service><publish>/${{uid}}/#</publish></service></permissions></account-auth>");
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<database>/<jdbc-url>: 'mysql://h' is not a JDBC URL"), all);
        assertTrue(all.contains("<database>/<username>: required, but missing"), all);
        assertTrue(all.contains("<database>/<pool-size>: 'lots' is not a whole number"), all);
        assertTrue(all.contains("<database>/<query-timeout-seconds>: 0 is outside 1..3600"), all);
        assertTrue(all.contains("<database>/<colour>: unknown element"), all);
        assertTrue(all.contains("<queries>/<device-by-id>: the statement must take exactly 1 '?' parameter, it has 0"), all);
        assertTrue(all.contains("<permissions>/<device>/<publish>: '/a/#/b' is not a valid MQTT topic filter"), all);
        assertTrue(all.contains("<permissions>/<device>/<subscribe>: unknown placeholder ${{clientid}}"), all);
        assertTrue(all.contains("<permissions>/<service>/<publish>: unknown placeholder ${{uid}} (this kind takes none)"),
                all);
        assertEquals(9, e.problems().size(), all);
    }

    @Test
    void theAuditFormatIsTextUnlessJsonIsChosen() throws Exception {
        assertFalse(load(minimal("")).audit().jsonLines());
        assertFalse(load(minimal("<audit><format>text</format></audit>")).audit().jsonLines());
        assertTrue(load(minimal("<audit><format>json</format></audit>")).audit().jsonLines());
        final InvalidConfigException e = fails(minimal(
                "<audit><format>JSON-lines</format><colour>red</colour></audit>"));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<audit>/<format>: 'JSON-lines' is not one of text, json"), all);
        assertTrue(all.contains("<audit>/<colour>: unknown element"), all);
        assertEquals(2, e.problems().size(), all);
    }

    @Test
    void aSubscribePermissionEndingInPlusIsRefusedAtStart() throws Exception {
        final InvalidConfigException e = fails(minimal("<permissions><paired-device>" +
                "<subscribe>/${{vendor}}/${{uid}}/+</subscribe><subscribe>/${{vendor}}/+/${{uid}}</subscribe>" +
                "</paired-device><service><subscribe>+</subscribe></service></permissions>"));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<permissions>/<paired-device>/<subscribe>: '/${{vendor}}/${{uid}}/+' ends in '+'"),
                all);
        assertTrue(all.contains("<permissions>/<service>/<subscribe>: '+' ends in '+'"), all);
        assertEquals(2, e.problems().size(), all);
        // publishing never names a wildcard, so there a last '+' is fine
        load(minimal("<permissions><device><publish>/${{uid}}/+</publish></device></permissions>"));
    }

    @Test
    void aSubscribePermissionEndingInPlusAndSlashesIsRefusedAtStart() throws Exception {
        // HiveMQ strips a permission's trailing '/' before matching: '/x/+/' would let '/x/#' through
        final InvalidConfigException e = fails(minimal("<permissions><device>" +
                "<subscribe>/${{vendor}}/${{uid}}/+/</subscribe><subscribe>/${{uid}}/+//</subscribe>" +
                "</device><service><subscribe>+/</subscribe></service></permissions>"));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<permissions>/<device>/<subscribe>: '/${{vendor}}/${{uid}}/+/' ends in '+' " +
                "(HiveMQ ignores its trailing '/')"), all);
        assertTrue(all.contains("<permissions>/<device>/<subscribe>: '/${{uid}}/+//' ends in '+'"), all);
        assertTrue(all.contains("<permissions>/<service>/<subscribe>: '+/' ends in '+'"), all);
        assertEquals(3, e.problems().size(), all);
        // a '+' before the last level stays allowed, with or without a trailing '/'
        load(minimal("<permissions><device><subscribe>/${{uid}}/+/status/</subscribe></device></permissions>"));
    }

    @Test
    void shippedPrincipalQueriesReadTheClientIdOwnerAndAreTheDefaults() throws Exception {
        final Path shipped = Path.of(System.getProperty("user.dir"), "conf", "config.xml");
        final QuerySettings shippedQueries = new ConfigLoader(ENV::get).load(shipped).queries();
        final QuerySettings defaults = load(minimal("")).queries();
        assertEquals(defaults, shippedQueries);
        assertTrue(shippedQueries.deviceByMacReadsClientIdOwner());
        assertTrue(shippedQueries.accountByEmailReadsClientIdOwner());
        assertTrue(shippedQueries.deviceByMacReadsReservation());
        assertTrue(shippedQueries.accountByEmailReadsReservation());
    }

    @Test
    void twoPrincipalQueryParametersReadTheOwnerButNotTheReservation() throws Exception {
        final QuerySettings queries = load(minimal("<queries><device-by-mac>SELECT d.*, c.account_id AS " +
                "client_id_account_id, c.device_id AS client_id_device_id FROM (SELECT * FROM devices WHERE mac = ?) d " +
                "LEFT JOIN client_ids c ON c.client_id = ?</device-by-mac></queries>")).queries();
        assertTrue(queries.deviceByMacReadsClientIdOwner());
        assertFalse(queries.deviceByMacReadsReservation());
    }

    @Test
    void shippedLiveChangeSettingsAreTheDefaults() throws Exception {
        final Path shipped = Path.of(System.getProperty("user.dir"), "conf", "config.xml");
        final LiveChangeSettings defaults = load(minimal("")).liveChanges();
        assertEquals(new ConfigLoader(ENV::get).load(shipped).liveChanges(), defaults);
        assertEquals(new LiveChangeSettings(true, LiveChangeSettings.DEFAULT_POLL_INTERVAL_MILLIS,
                LiveChangeSettings.DEFAULT_GAP_TIMEOUT_SECONDS, LiveChangeSettings.DEFAULT_ERROR_AFTER_SECONDS),
                defaults);
    }

    @Test
    void aGapTimeoutShorterThanTwoPollsIsRefusedNamingIt() throws Exception {
        final InvalidConfigException e = fails(minimal("<live-changes><poll-interval-millis>5000" +
                "</poll-interval-millis><gap-timeout-seconds>9</gap-timeout-seconds>" +
                "<error-after-seconds>0</error-after-seconds></live-changes>"));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<live-changes>/<gap-timeout-seconds>: 9 s is less than twice " +
                "<poll-interval-millis> (5000 ms)"), all);
        assertTrue(all.contains("<live-changes>/<error-after-seconds>: 0 is outside 1..86400"), all);
        assertEquals(2, e.problems().size(), all);
        assertEquals(10, load(minimal("<live-changes><poll-interval-millis>5000</poll-interval-millis>" +
                "<gap-timeout-seconds>10</gap-timeout-seconds></live-changes>")).liveChanges().gapTimeoutSeconds());
    }

    @Test
    void onePrincipalQueryParameterKeepsTheSeparateClientIdOwnerQuery() throws Exception {
        final QuerySettings queries = load(minimal("<queries>" +
                "<device-by-mac>SELECT id, mac, uid, vendor, model, password_hash, enabled FROM devices " +
                "WHERE mac = ?</device-by-mac>" +
                "<account-by-email>SELECT id, email, password_hash, role, enabled FROM accounts WHERE email = ? " +
                "AND role &lt;&gt; '?' -- who?\n</account-by-email></queries>")).queries();
        assertFalse(queries.deviceByMacReadsClientIdOwner());
        assertFalse(queries.accountByEmailReadsClientIdOwner(), "a '?' in a literal or comment is no parameter");
    }

    @Test
    void principalQueriesTakeOneTwoOrFourParametersAndEachBadOneIsNamed() throws IOException {
        final InvalidConfigException e = fails(minimal("<queries>" +
                "<device-by-mac>SELECT * FROM devices WHERE mac = ? AND uid = ? AND vendor = ?</device-by-mac>" +
                "<account-by-email>SELECT * FROM accounts WHERE email = 'x?'</account-by-email>" +
                "<client-id-owner>SELECT account_id, device_id FROM client_ids WHERE client_id = ? OR ?" +
                "</client-id-owner></queries>"));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<queries>/<device-by-mac>: the statement must take 1, 2 or 4 '?' parameters " +
                "(the second is the client id, the third and fourth those of <device-reserving-client-id>), it has 3"),
                all);
        assertTrue(all.contains("<queries>/<account-by-email>: the statement must take 1, 2 or 4 '?' parameters " +
                "(the second is the client id, the third and fourth those of <device-reserving-client-id>), it has 0"),
                all);
        assertTrue(all.contains("<queries>/<client-id-owner>: the statement must take exactly 1 '?' parameter, " +
                "it has 2"), all);
        assertEquals(3, e.problems().size(), all);
    }

    @Test
    void clientIdPatternsAreValidatedAtStart() throws Exception {
        final InvalidConfigException e = fails(minimal("<client-ids><device-pattern>(${{mac}}</device-pattern>" +
                "<account-pattern>${{uid}}</account-pattern><bind-to-principal>yes</bind-to-principal></client-ids>"));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<client-ids>/<device-pattern>: not a valid regular expression"), all);
        assertTrue(all.contains("<client-ids>/<account-pattern>: unknown placeholder ${{uid}}"), all);
        assertTrue(all.contains("<client-ids>/<bind-to-principal>: 'yes' is not true or false"), all);
        final AccountAuthConfig config = load(minimal("<client-ids><device-pattern>${{mac}}|${{uid}}" +
                "</device-pattern></client-ids>"));
        assertTrue(config.clientIds().devicePattern().isPresent());
        assertTrue(config.clientIds().accountPattern().isEmpty());
        assertTrue(config.clientIds().bindToPrincipal());
    }

    @Test
    void aKindGivenWithoutElementsGrantsNothing() throws Exception {
        final AccountAuthConfig config = load(minimal("<permissions><service/></permissions>"));
        assertTrue(config.permissions().service().publish().isEmpty());
        assertTrue(config.permissions().service().subscribe().isEmpty());
    }

    @Test
    void brokenXmlAndWrongRootAreRefused() throws IOException {
        assertTrue(fails("<account-auth><database>").getMessage().contains("not well-formed XML"));
        assertTrue(fails("<hivemq/>").getMessage().contains("root element must be <account-auth>"));
    }

    @Test
    void doctypesAreRefusedSoNoFileCanBeReadThroughTheConfig() throws IOException {
        final InvalidConfigException e = fails("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM " +
                "\"file:///etc/passwd\">]><account-auth><database><jdbc-url>&x;</jdbc-url></database></account-auth>");
        assertTrue(e.getMessage().contains("not well-formed XML"), e.getMessage());
    }

    @Test
    void everyListenerTakesPasswordsUnlessNamedForCertificates() throws Exception {
        final CertificateLoginSettings logins = load(minimal("<certificate-logins>" +
                "<listener><name>devices</name><mode>certificate</mode></listener>" +
                "<listener><name>both</name><mode>certificate-and-password</mode><identity>san-uri</identity>" +
                "</listener></certificate-logins>")).certificateLogins();
        assertEquals(new ListenerLogin(LoginMode.CERTIFICATE, CertificateField.SUBJECT_CN),
                logins.forListener(Optional.of("devices")));
        assertEquals(new ListenerLogin(LoginMode.CERTIFICATE_AND_PASSWORD, CertificateField.SAN_URI),
                logins.forListener(Optional.of("both")));
        assertEquals(ListenerLogin.PASSWORD, logins.forListener(Optional.of("mqtt")));
        assertEquals(ListenerLogin.PASSWORD, logins.forListener(Optional.empty()));
        assertEquals(ListenerLogin.PASSWORD, load(minimal("")).certificateLogins().forListener(Optional.of("x")));
    }

    @Test
    void badCertificateListenersAreRefusedAtStartNamingEachElement() throws IOException {
        final InvalidConfigException e = fails(minimal("<certificate-logins>" +
                "<listener><name>a</name><mode>certs</mode></listener>" +
                "<listener><mode>certificate</mode></listener>" +
                "<listener><name>b</name><mode>certificate</mode><identity>san-ip</identity></listener>" +
                "<listener><name>c</name></listener>" +
                "<listener><name>a</name><mode>certificate</mode><port>1</port></listener>" +
                "</certificate-logins>"));
        final String all = String.join("\n", e.problems());
        assertTrue(all.contains("<certificate-logins>/<listener>[1]/<mode>: 'certs' is not one of password, " +
                "certificate, certificate-and-password"), all);
        assertTrue(all.contains("<certificate-logins>/<listener>[2]/<name>: required, but missing"), all);
        assertTrue(all.contains("<certificate-logins>/<listener>[3]/<identity>: 'san-ip' is not one of " +
                "subject-cn, san-email, san-dns, san-uri (an IP address cannot hold a MAC)"), all);
        assertTrue(all.contains("<certificate-logins>/<listener>[4]/<mode>: required, but missing"), all);
        assertTrue(all.contains("<certificate-logins>/<listener>[5]/<port>: unknown element"), all);
        assertEquals(5, e.problems().size(), all);
        final InvalidConfigException twice = fails(minimal("<certificate-logins>" +
                "<listener><name>a</name><mode>certificate</mode></listener>" +
                "<listener><name>a</name><mode>password</mode></listener></certificate-logins>"));
        assertEquals(List.of("<certificate-logins>/<listener>[2]/<name>: listener 'a' is given twice"),
                twice.problems());
    }

    @Test
    void missingFileIsAnError() {
        final InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new ConfigLoader(ENV::get).load(dir.resolve("nope.xml")));
        assertTrue(e.getMessage().contains("file not found"));
    }

    @Test
    void passwordNeverAppearsInToString() throws Exception {
        final AccountAuthConfig config = load("<account-auth><database><jdbc-url>jdbc:mysql://h/db</jdbc-url>" +
                "<username>u</username><password>hunter2</password></database></account-auth>");
        assertTrue(!config.database().toString().contains("hunter2"));
        assertTrue(!config.toString().contains("hunter2"));
    }

    @Test
    void clientIdsAndTheOutageGraceDefaultAsTheShippedFileSays() throws Exception {
        final AccountAuthConfig defaults = load(minimal(""));
        assertEquals(ClientIdSettings.defaults(Optional.empty(), Optional.empty()), defaults.clientIds());
        assertEquals(DatabaseSettings.DEFAULT_OUTAGE_GRACE_SECONDS, defaults.database().outageGraceSeconds());
        final Path shipped = Path.of(System.getProperty("user.dir"), "conf", "config.xml");
        final AccountAuthConfig config = new ConfigLoader(ENV::get).load(shipped);
        assertEquals(defaults.clientIds(), config.clientIds());
        assertEquals(defaults.database().outageGraceSeconds(), config.database().outageGraceSeconds());
        assertEquals(QuerySettings.DEFAULT_EXPIRE_CLIENT_IDS, config.queries().expireClientIds());
        assertEquals(QuerySettings.DEFAULT_TOUCH_CLIENT_ID, config.queries().touchClientId());
        assertEquals(QuerySettings.DEFAULT_DEVICE_RESERVING_CLIENT_ID, config.queries().deviceReservingClientId());
    }

    @Test
    void aBindingMustOutliveItsCachedOwnerAndTwoIntervals() throws Exception {
        final InvalidConfigException e = fails(minimal("<client-ids><expire-unused-after-seconds>100" +
                "</expire-unused-after-seconds><last-used-interval-seconds>10</last-used-interval-seconds>" +
                "</client-ids><cache><principal-ttl-seconds>90</principal-ttl-seconds></cache>"));
        assertEquals(List.of("<client-ids>/<expire-unused-after-seconds>: 100 s is less than " +
                "<cache>/<principal-ttl-seconds> plus twice <last-used-interval-seconds> (110 s)"), e.problems());
        assertEquals(110, load(minimal("<client-ids><expire-unused-after-seconds>110</expire-unused-after-seconds>" +
                "<last-used-interval-seconds>10</last-used-interval-seconds></client-ids>" +
                "<cache><principal-ttl-seconds>90</principal-ttl-seconds></cache>")).clientIds()
                .expireUnusedAfterSeconds());
        assertEquals(0, load(minimal("<client-ids><expire-unused-after-seconds>0</expire-unused-after-seconds>" +
                "</client-ids>")).clientIds().expireUnusedAfterSeconds(), "0: bindings are kept for ever");
    }

    @Test
    void byDefaultTheFastSchemeIsForDevicesOnlyAndUpgradeIsOff() throws Exception {
        final PasswordSettings passwords = load(minimal("")).passwords();
        assertEquals(PasswordSettings.DEFAULT_DEVICE_FORMATS, passwords.kinds().get(Principal.Kind.DEVICE).formats());
        assertFalse(passwords.kinds().get(Principal.Kind.USER).formats().contains(PasswordFormat.FAST));
        assertFalse(passwords.kinds().get(Principal.Kind.SERVICE).formats().contains(PasswordFormat.FAST));
        assertEquals(PasswordFormat.BCRYPT, passwords.kinds().get(Principal.Kind.DEVICE).target().format());
        assertEquals(AuthenticationSettings.DEFAULT_DUMMY_BCRYPT_COST,
                passwords.kinds().get(Principal.Kind.USER).target().bcryptCost());
        assertFalse(passwords.upgradeOnLogin());
        assertTrue(passwords.pepper().isEmpty());
        assertEquals(QuerySettings.DEFAULT_UPDATE_DEVICE_PASSWORD, load(minimal("")).queries().updateDevicePassword());
        // the shipped file says the same as the defaults
        final Path shipped = Path.of(System.getProperty("user.dir"), "conf", "config.xml");
        assertEquals(passwords, new ConfigLoader(ENV::get).load(shipped).passwords());
    }

    @Test
    void passwordFormatsTargetsAndPepperAreRead() throws Exception {
        final PasswordSettings passwords = load(minimal("<passwords><pepper>0123456789abcdef!</pepper>" +
                "<device><formats>fast bcrypt</formats><target>fast</target></device>" +
                "<user><formats>argon2id, bcrypt</formats><target>argon2id</target></user>" +
                "<argon2-memory-kib>65536</argon2-memory-kib><upgrade-on-login>true</upgrade-on-login>" +
                "</passwords>")).passwords();
        assertEquals(Set.of(PasswordFormat.FAST, PasswordFormat.BCRYPT),
                passwords.kinds().get(Principal.Kind.DEVICE).formats());
        assertEquals(PasswordFormat.FAST, passwords.kinds().get(Principal.Kind.DEVICE).target().format());
        assertEquals(PasswordFormat.ARGON2ID, passwords.kinds().get(Principal.Kind.USER).target().format());
        assertEquals(65536, passwords.kinds().get(Principal.Kind.USER).target().argon2MemoryKib());
        assertTrue(passwords.upgradeOnLogin());
        assertTrue(passwords.pepper().isPresent());
        assertFalse(passwords.toString().contains("0123456789abcdef!"), "the pepper is a secret");
    }

    @Test
    void badPasswordSettingsAreEachNamed() throws IOException {
        final InvalidConfigException e = fails(minimal("<passwords><pepper>short</pepper>" +
                "<device><formats>fast md5</formats></device>" +
                "<user><formats>bcrypt</formats><target>fast</target></user>" +
                "<service><target>mosquitto-sha512</target></service>" +
                "<max-argon2-memory-kib>1024</max-argon2-memory-kib><unknown/></passwords>" +
                "<queries><update-device-password>UPDATE devices SET password_hash = ?</update-device-password>" +
                "</queries>"));
        for (final String expected : List.of("<passwords>/<pepper>: a pepper needs at least 16 bytes",
                "<passwords>/<device>/<formats>: unknown format 'md5'",
                "<passwords>/<device>/<target>: bcrypt is not among <formats>",
                "<passwords>/<user>/<target>: fast is not among <formats>",
                "<passwords>/<service>/<target>: 'mosquitto-sha512' is not a format new hashes can be made in",
                "<passwords>/<argon2-memory-kib>: the Argon2 costs of new hashes are over",
                "<passwords>/<unknown>: unknown element",
                "<queries>/<update-device-password>: the statement must take exactly 3 '?' parameters")) {
            assertTrue(e.getMessage().contains(expected), expected + " in " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("short"), "the pepper is not quoted");
    }
}
