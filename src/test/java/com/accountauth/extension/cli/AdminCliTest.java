package com.accountauth.extension.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each command's output and exit code, with the shipped templates and a fake DB. */
class AdminCliTest {

    private static final String OWNED = "UIDOWNED";
    private static final String VIEWED = "UIDVIEWED";
    private static final String OTHER = "UIDOTHER";
    private static final String CAMERA_MAC = "00:1B:FE:0D:44:23";

    @TempDir
    Path dir;

    private final FakeAdminStore db = new FakeAdminStore();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path config;
    private String stdin = "";

    @BeforeEach
    void accounts() throws IOException {
        config = dir.resolve("config.xml");
        Files.writeString(config, "<account-auth><database><jdbc-url>jdbc:mysql://db/accounts</jdbc-url>" +
                "<username>u</username></database></account-auth>");
        db.account(1, "alice@example.com", "user", true);
        db.account(2, "bob@example.com", "user", true);
        db.account(3, "carol@example.com", "user", false);
        db.account(4, "backend@example.com", "service", true);
        db.account(5, "dave@example.com", "user", true);
        db.device(10, CAMERA_MAC, OWNED, true);
        db.device(11, "00:1B:FE:0D:44:24", VIEWED, true);
        db.device(12, "00:1B:FE:0D:44:25", OTHER, true);
        db.device(13, "00:1B:FE:0D:44:26", "UIDOFF", false);
        db.pair(1, 10, "owner");
        db.pair(1, 11, "viewer");
        db.pair(1, 13, "owner");
        db.pair(2, 12, "owner");
        db.pair(2, 10, "viewer");
        db.clientIds.put("alice-phone", "account:1");
        db.clientIds.put("bobs-tablet", "account:2");
    }

    private int run(final String... args) {
        final AdminCli cli = new AdminCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Map.<String, String>of()::get, db,
                config);
        return cli.run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String firstLine() {
        return out().lines().findFirst().orElse("");
    }

    @Test
    void anOwnersCommandIsAllowedByTheOwnedDeviceTemplate() {
        assertEquals(AdminCli.OK,
                run("explain", "alice@example.com", "publish", "/acme/cam/command/" + OWNED + "/zoom"));
        assertEquals("allowed: alice@example.com owns device " + OWNED + " (pairing owner), " +
                "<permissions>/<owned-device> template /${{vendor}}/${{model}}/command/${{uid}}/#", firstLine());
        assertTrue(out().contains("note: no --client-id given"), out());
        assertTrue(db.closed);
    }

    @Test
    void aViewerMayWatchButNotCommand() {
        assertEquals(AdminCli.OK, run("explain", "alice@example.com", "subscribe", "/acme/cam/+/" + VIEWED + "/#"));
        assertEquals("allowed: alice@example.com is paired with device " + VIEWED + " (pairing viewer), " +
                "<permissions>/<paired-device> template /${{vendor}}/${{model}}/+/${{uid}}/#", firstLine());
        out.reset();
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "publish", "/acme/cam/command/" + VIEWED));
        assertEquals("denied: alice@example.com is only a viewer of device " + VIEWED +
                "; <permissions>/<owned-device> is for owners", firstLine());
    }

    @Test
    void aDeviceNotPairedIsNamedAsSuch() {
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "subscribe", "/acme/cam/event/" + OTHER));
        assertTrue(firstLine().startsWith("denied: no pairing between alice@example.com and the device of " +
                "/acme/cam/event/" + OTHER), firstLine());
    }

    @Test
    void aUserWithoutPairingsIsToldSo() {
        assertEquals(AdminCli.NO, run("explain", "dave@example.com", "subscribe", "/acme/cam/event/" + OTHER));
        assertEquals("denied: dave@example.com has no paired device, so no device topic is allowed", firstLine());
    }

    @Test
    void aDisabledDeviceGrantsNothingToItsOwner() {
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "publish", "/acme/cam/command/UIDOFF"));
        assertEquals("denied: device UIDOFF is disabled, so its pairing with alice@example.com grants nothing",
                firstLine());
    }

    @Test
    void aDisabledAccountIsRefusedAtConnect() {
        assertEquals(AdminCli.NO, run("explain", "carol@example.com", "subscribe", "/acme/cam/event/" + OWNED));
        assertEquals("denied at CONNECT: carol@example.com is disabled (0x87 not authorized)", firstLine());
    }

    @Test
    void anUnknownUsernameIsRefusedAtConnect() {
        assertEquals(AdminCli.NO, run("explain", "nobody@example.com", "subscribe", "/x"));
        assertEquals("denied at CONNECT: no account with email nobody@example.com (0x86 bad username or password)",
                firstLine());
        out.reset();
        assertEquals(AdminCli.NO, run("explain", "not-a-name", "subscribe", "/x"));
        assertTrue(firstLine().startsWith("denied at CONNECT: 'not-a-name' is neither"), firstLine());
    }

    @Test
    void aClientIdBoundToAnotherPrincipalIsRefusedAtConnect() {
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "subscribe", "/acme/cam/event/" + OWNED,
                "--client-id", "bobs-tablet"));
        assertEquals("denied at CONNECT: client id 'bobs-tablet' is bound to bob@example.com " +
                "(0x85 client identifier not valid)", firstLine());
        out.reset();
        assertEquals(AdminCli.OK, run("explain", "alice@example.com", "subscribe", "/acme/cam/event/" + OWNED,
                "--client-id", "alice-phone"));
        assertFalse(out().contains("--client-id"), out());
        out.reset();
        assertEquals(AdminCli.OK, run("explain", "alice@example.com", "subscribe", "/acme/cam/event/" + OWNED,
                "--client-id", "new-id"));
        assertTrue(out().contains("'new-id' is not bound yet"), out());
        assertFalse(db.clientIds.containsKey("new-id"), "explain never binds");
    }

    @Test
    void aDevicePublishesToItsOwnTopicsWithATrailingSlashAsTheBrokerAllows() {
        assertEquals(AdminCli.OK,
                run("explain", CAMERA_MAC.toLowerCase(), "publish", "/acme/cam/event/" + OWNED + "/"));
        // '/#' also matches its parent level, so the filter without it was left out as covered
        assertEquals("allowed: device " + CAMERA_MAC + " on its own topics, <permissions>/<device> template " +
                "/${{vendor}}/${{model}}/+/${{uid}}/#", firstLine());
        out.reset();
        assertEquals(AdminCli.NO, run("explain", CAMERA_MAC, "publish", "/acme/cam/event/" + OTHER));
        assertTrue(firstLine().startsWith("denied: no permission of device " + CAMERA_MAC + " matches"), firstLine());
    }

    @Test
    void aPlusInATemplateNeverAdmitsAHashAboveIt() {
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "subscribe", "/acme/cam/#"));
        assertTrue(firstLine().startsWith("denied: "), firstLine());
    }

    @Test
    void retainedAndSharedNeedTheirRights() {
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "publish", "/acme/cam/command/" + OWNED,
                "--retain"));
        assertEquals("denied: alice@example.com may publish there, but not retained " +
                "(<permissions>/<retain>/<user> is false)", firstLine());
        out.reset();
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "subscribe",
                "$share/g//acme/cam/event/" + OWNED));
        assertEquals("denied: alice@example.com may subscribe to /acme/cam/event/" + OWNED + ", but not as a shared " +
                "subscription (<permissions>/<shared-subscriptions>/<user> is false)", firstLine());
        out.reset();
        assertEquals(AdminCli.OK, run("explain", "backend@example.com", "subscribe", "$share/workers//acme/#"));
        assertEquals("allowed: service backend@example.com is a service account, <permissions>/<service> template /#",
                firstLine());
    }

    @Test
    void aDeadDbIsOneLineAndExitCode4() {
        db.down = true;
        assertEquals(AdminCli.DB_UNAVAILABLE, run("explain", "alice@example.com", "subscribe", "/x"));
        assertEquals("error: account DB unavailable: query <device-by-mac> failed: Connection refused\n", err());
        assertEquals("", out());
    }

    @Test
    void aBrokenConfigIsOneLineAndExitCode3() throws IOException {
        Files.writeString(config, "<account-auth><database><username>u</username></database></account-auth>");
        assertEquals(AdminCli.BAD_CONFIG, run("list", "alice@example.com"));
        assertEquals(1, err().lines().count(), err());
        assertTrue(err().startsWith("error: " + config + " is invalid: "), err());
    }

    @Test
    void aWrongCommandLineIsOneLineAndExitCode2() {
        assertEquals(AdminCli.USAGE, run());
        assertEquals(AdminCli.USAGE, run("frobnicate"));
        assertEquals(AdminCli.USAGE, run("explain", "alice@example.com", "publish"));
        assertEquals(AdminCli.USAGE, run("explain", "alice@example.com", "read", "/x"));
        assertEquals(AdminCli.USAGE, run("explain", "alice@example.com", "subscribe", "/x", "--retain"));
        assertEquals(AdminCli.USAGE, run("list", "alice@example.com", "--verbose"));
        assertEquals(AdminCli.USAGE, run("explain", "alice@example.com", "publish", "/x", "--client-id"));
        assertEquals(7, err().lines().count(), err());
        assertTrue(err().lines().allMatch(line -> line.startsWith("error: ")), err());
        assertEquals("", out());
    }

    @Test
    void everyCommandHasItsHelp() {
        for (final String command : new String[]{"explain", "check-config", "list", "hash-password"}) {
            out.reset();
            assertEquals(AdminCli.OK, run(command, "--help"));
            assertTrue(out().startsWith("usage: " + command), out());
            assertTrue(out().contains("exit: 0"), out());
        }
        out.reset();
        assertEquals(AdminCli.OK, run("--help"));
        assertTrue(out().contains("usage: explain") && out().contains("usage: hash-password"), out());
    }

    @Test
    void listShowsAUsersDevicesAndClientIds() {
        assertEquals(AdminCli.OK, run("list", "Alice@Example.com"));
        assertEquals("""
                account alice@example.com (id 1): role user, enabled
                devices:\s
                  UIDOWNED (id 10, acme/cam): owner
                  UIDVIEWED (id 11, acme/cam): viewer
                  UIDOFF (id 13, acme/cam): owner, device disabled
                client ids: alice-phone
                """, out());
    }

    @Test
    void listShowsADevicesUsers() {
        assertEquals(AdminCli.OK, run("list", "00-1b-fe-0d-44-23"));
        assertEquals("""
                device 00:1B:FE:0D:44:23 (id 10): uid UIDOWNED, vendor acme, model cam, enabled
                users:\s
                  alice@example.com (id 1): owner
                  bob@example.com (id 2): viewer
                client ids: none
                """, out());
    }

    @Test
    void listOfNobodyIsExitCode1() {
        assertEquals(AdminCli.NO, run("list", "nobody@example.com"));
        assertEquals("error: no account with email nobody@example.com\n", err());
    }

    @Test
    void hashPasswordReadsStdinAndGivesAHashThatVerifies() {
        stdin = "correct horse\n";
        assertEquals(AdminCli.OK, run("hash-password", "--cost", "4"));
        final String hash = out().strip();
        assertTrue(hash.startsWith("$2a$04$"), hash);
        assertTrue(BCrypt.checkpw("correct horse", hash));
    }

    @Test
    void aDevicesUidOrAnOverlongIdAsSomeoneElsesClientIdIsRefusedAtConnect() {
        db.reservations.put("UIDOWNED", "device:10");
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "subscribe", "/acme/cam/event/" + OWNED,
                "--client-id", "UIDOWNED"));
        assertEquals("denied at CONNECT: client id 'UIDOWNED' is the MAC or uid of device 00:1B:FE:0D:44:23 and "
                + "reserved to it (0x85 client identifier not valid)", firstLine());
        out.reset();
        assertEquals(AdminCli.NO, run("explain", "alice@example.com", "subscribe", "/acme/cam/event/" + OWNED,
                "--client-id", "x".repeat(192)));
        assertTrue(firstLine().contains("longer than <client-ids>/<max-length> 191"), firstLine());
    }

    @Test
    void hashPasswordMakesTheOtherFormatsAndProvisionsDevices() {
        stdin = "correct horse";
        assertEquals(AdminCli.OK, run("hash-password", "--format", "pbkdf2", "--iterations", "1000"));
        assertTrue(out().strip().matches("\\$pbkdf2-sha(256|512)\\$1000\\$.+"), out());
        out.reset();
        assertEquals(AdminCli.OK, run("provision-device"));
        assertTrue(out().contains("secret: ") && out().contains("hash:   $sha256$"), out());
    }

    @Test
    void hashPasswordUsesTheConfiguredCost() throws IOException {
        Files.writeString(config, "<account-auth><database><jdbc-url>jdbc:mysql://db/accounts</jdbc-url>" +
                "<username>u</username></database><authentication><dummy-bcrypt-cost>5</dummy-bcrypt-cost>" +
                "</authentication></account-auth>");
        stdin = "pw";
        assertEquals(AdminCli.OK, run("hash-password"));
        assertTrue(out().startsWith("$2a$05$"), out());
    }

    @Test
    void hashPasswordRefusesAPasswordOnTheCommandLineWithoutEchoingIt() {
        assertEquals(AdminCli.USAGE, run("hash-password", "hunter2", "--cost", "4"));
        assertFalse(err().contains("hunter2"), err());
        assertEquals("", out());
    }

    @Test
    void hashPasswordRefusesWhatTheExtensionWouldRefuse() {
        stdin = "x".repeat(73);
        assertEquals(AdminCli.USAGE, run("hash-password", "--cost", "4"));
        stdin = "\n";
        assertEquals(AdminCli.USAGE, run("hash-password", "--cost", "4"));
        assertEquals(2, err().lines().count(), err());
        assertEquals("", out());
    }

    @Test
    void checkConfigPrintsOneLinePerProblem() throws IOException {
        db.queryProblems = java.util.List.of("<queries>/<device-by-id>: returns no column uid", "cannot reach x");
        assertEquals(AdminCli.NO, run("check-config"));
        assertEquals(config + ": <queries>/<device-by-id>: returns no column uid\n" + config + ": cannot reach x\n",
                out());
        out.reset();
        db.queryProblems = java.util.List.of();
        assertEquals(AdminCli.OK, run("check-config"));
        assertTrue(out().contains(": valid;"), out());
        out.reset();
        Files.writeString(config, "<account-auth><database/><cache><max-principals>-1</max-principals></cache>" +
                "</account-auth>");
        assertEquals(AdminCli.NO, run("check-config"));
        assertTrue(out().lines().count() >= 3, out());
        assertTrue(out().lines().allMatch(line -> line.startsWith(config + ": ")), out());
    }
}
