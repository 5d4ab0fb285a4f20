package com.accountauth.extension.config;

import com.accountauth.extension.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigWatcherTest {

    private static final Map<String, String> ENV = Map.of("DB_PASSWORD", "s3cret-start");
    private static final String EVENTS = "/${{vendor}}/${{model}}/+/${{uid}}";
    private static final String EVENTS_ONLY = "/${{vendor}}/${{model}}/event/${{uid}}";

    @TempDir
    Path dir;
    private Path file;
    private final ConfigLoader loader = new ConfigLoader(ENV::get);
    private final List<AccountAuthConfig> reloads = new ArrayList<>();
    private final List<Boolean> recomputes = new ArrayList<>();
    private ConfigWatcher watcher;
    private LogCapture log;

    private static String config(final String devicePublish, final String poolSize, final String password) {
        return "<account-auth>\n  <database><jdbc-url>jdbc:mysql://h/db</jdbc-url><username>u</username>" +
                "<password>" + password + "</password><pool-size>" + poolSize + "</pool-size></database>\n" +
                "  <permissions><device><publish>" + devicePublish + "</publish><subscribe>" + EVENTS +
                "</subscribe></device></permissions>\n</account-auth>\n";
    }

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("config.xml");
        Files.writeString(file, config(EVENTS, "8", "${ENV:DB_PASSWORD}"));
        final ConfigFile atStart = ConfigFile.read(file);
        watcher = watcherOf(atStart);
        log = new LogCapture();
    }

    private ConfigWatcher watcherOf(final ConfigFile atStart) throws InvalidConfigException {
        return new ConfigWatcher(loader, atStart, loader.load(atStart), (adopted, recompute) -> {
            reloads.add(adopted);
            recomputes.add(recompute);
        });
    }

    /** The test's file with these sections added. */
    private static String with(final String sections) {
        return config(EVENTS, "8", "${ENV:DB_PASSWORD}").replace("</account-auth>", sections + "</account-auth>");
    }

    @AfterEach
    void stop() {
        log.close();
    }

    private String devicePublish(final AccountAuthConfig config) {
        return config.permissions().device().publish().toString();
    }

    @Test
    void anUnchangedFileIsNotReloadedEvenWhenTouched() throws Exception {
        assertEquals(ConfigWatcher.Outcome.UNCHANGED, watcher.check());
        Files.writeString(file, config(EVENTS, "8", "${ENV:DB_PASSWORD}"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertEquals(ConfigWatcher.Outcome.UNCHANGED, watcher.check());
        assertEquals(List.of(), reloads);
        assertEquals(List.of(), log.lines());
    }

    @Test
    void newTemplatesAreTakenOver() throws Exception {
        Files.writeString(file, config(EVENTS_ONLY, "8", "${ENV:DB_PASSWORD}"));
        assertEquals(ConfigWatcher.Outcome.RELOADED, watcher.check());
        assertEquals(1, reloads.size());
        assertEquals("[" + EVENTS_ONLY + "]", devicePublish(reloads.get(0)));
        assertEquals("[" + EVENTS_ONLY + "]", devicePublish(watcher.running()));
        assertTrue(log.contains("reloaded <permissions>; the grants of connected clients are recomputed"),
                log.lines().toString());
        assertEquals(List.of(true), recomputes);
        // looked at again: nothing new
        assertEquals(ConfigWatcher.Outcome.UNCHANGED, watcher.check());
        assertEquals(1, reloads.size());
    }

    @Test
    void anInvalidFileIsRefusedWithTheMessagesOfTheStartAndTheRunningConfigKept() throws Exception {
        final String bad = config("/${{vendor}}/${{colour}}/event", "8", "${ENV:DB_PASSWORD}")
                .replace("<pool-size>8</pool-size>", "<pool-size>0</pool-size>");
        Files.writeString(file, bad);
        final List<String> atStart = startProblems();
        assertEquals(2, atStart.size(), atStart.toString());
        assertEquals(ConfigWatcher.Outcome.INVALID, watcher.check());
        for (final String problem : atStart) {
            assertTrue(log.contains("ERROR account-auth: " + file + ": " + problem), problem + " in " + log.lines());
        }
        assertTrue(log.contains("not reloaded, kept the running configuration (2 problems"), log.lines().toString());
        assertEquals(List.of(), reloads);
        assertEquals("[" + EVENTS + "]", devicePublish(watcher.running()));
        // reported once, not at every look
        final int lines = log.lines().size();
        assertEquals(ConfigWatcher.Outcome.UNCHANGED, watcher.check());
        assertEquals(lines, log.lines().size());
    }

    /** What the start of the extension would have said about the file now. */
    private List<String> startProblems() {
        try {
            loader.load(file);
            return List.of();
        } catch (final InvalidConfigException e) {
            return e.problems();
        }
    }

    @Test
    void aHalfWrittenFileIsInvalidAndItsCompletedVersionIsTakenOver() throws Exception {
        final String next = config(EVENTS_ONLY, "8", "${ENV:DB_PASSWORD}");
        Files.writeString(file, next.substring(0, next.indexOf("<subscribe>") + 4));
        assertEquals(ConfigWatcher.Outcome.INVALID, watcher.check());
        assertTrue(log.contains("ERROR account-auth: " + file + ": " + file + ": not well-formed XML: "),
                log.lines().toString());
        assertEquals("[" + EVENTS + "]", devicePublish(watcher.running()));
        Files.writeString(file, next);
        assertEquals(ConfigWatcher.Outcome.RELOADED, watcher.check());
        assertEquals("[" + EVENTS_ONLY + "]", devicePublish(watcher.running()));
    }

    @Test
    void aMissingFileKeepsTheRunningConfigAndItsReturnIsRead() throws Exception {
        Files.delete(file);
        assertEquals(ConfigWatcher.Outcome.INVALID, watcher.check());
        assertTrue(log.contains(file + ": file not found"), log.lines().toString());
        Files.writeString(file, config(EVENTS_ONLY, "8", "${ENV:DB_PASSWORD}"));
        assertEquals(ConfigWatcher.Outcome.RELOADED, watcher.check());
    }

    @Test
    void elementsThatNeedARestartAreNamedAndKeepTheirRunningValue() throws Exception {
        Files.writeString(file, config(EVENTS, "9", "s3cret-new"));
        assertEquals(ConfigWatcher.Outcome.NOTHING_TO_TAKE_OVER, watcher.check());
        assertTrue(log.contains("WARN account-auth: " + file + ": <database>/<pool-size> changed, which takes " +
                "effect only after a restart"), log.lines().toString());
        assertTrue(log.contains("<database>/<password> changed"), log.lines().toString());
        assertFalse(log.lines().stream().anyMatch(line -> line.contains("s3cret")), log.lines().toString());
        assertEquals(List.of(), reloads);

        Files.writeString(file, config(EVENTS_ONLY, "9", "s3cret-new"));
        assertEquals(ConfigWatcher.Outcome.RELOADED, watcher.check());
        assertEquals(8, reloads.get(0).database().poolSize());
        assertEquals("s3cret-start", reloads.get(0).database().password());
        assertEquals("[" + EVENTS_ONLY + "]", devicePublish(reloads.get(0)));
    }

    @Test
    void reloadableAndRestartOnlyPartsAreToldApart() throws Exception {
        final AccountAuthConfig running = watcher.running();
        final AccountAuthConfig same = loader.load(file);
        assertFalse(ReloadableParts.differ(running, same));
        assertEquals(List.of(), ReloadableParts.needingRestart(running, same));
        Files.writeString(file, with("<cache><principal-ttl-seconds>60</principal-ttl-seconds></cache>" +
                "<passwords><pbkdf2-iterations>300000</pbkdf2-iterations><user><formats>bcrypt</formats>" +
                "<target>bcrypt</target></user><service><target>pbkdf2</target></service></passwords>" +
                "<reload><interval-seconds>5</interval-seconds></reload>"));
        final AccountAuthConfig other = loader.load(file);
        assertEquals(List.of("<reload>/<interval-seconds>"), ReloadableParts.needingRestart(running, other));
        assertEquals(List.of("<cache>/<principal-ttl-seconds>", "<passwords>/<pbkdf2-iterations>",
                "<passwords>/<user>/<formats>", "<passwords>/<service>/<target>"),
                ReloadableParts.reloaded(running, other));
        assertTrue(ReloadableParts.needsResync(ReloadableParts.reloaded(running, other)));

        // two elements of the same name in two sections are both named; a cost copied into <passwords> only once
        Files.writeString(file, with("<live-changes><enabled>false</enabled></live-changes><throttling><enabled>" +
                "false</enabled></throttling><authentication><max-bcrypt-cost>13</max-bcrypt-cost>" +
                "<dummy-bcrypt-cost>11</dummy-bcrypt-cost><worker-threads>3</worker-threads></authentication>" +
                "<client-ids><bind-to-principal>false</bind-to-principal><device-pattern>${{mac}}</device-pattern>" +
                "</client-ids><audit><format>json</format></audit>"));
        final AccountAuthConfig third = loader.load(file);
        assertEquals(List.of("<authentication>/<worker-threads>", "<live-changes>/<enabled>",
                "<client-ids>/<bind-to-principal>"), ReloadableParts.needingRestart(running, third));
        assertEquals(List.of("<authentication>/<max-bcrypt-cost>", "<authentication>/<dummy-bcrypt-cost>",
                "<client-ids>/<device-pattern>", "<throttling>/<enabled>", "<audit>/<format>"),
                ReloadableParts.reloaded(running, third));
    }

    @Test
    void aThrottleChangeIsTakenOverWithoutRecomputingGrants() throws Exception {
        Files.writeString(file, with("<throttling><address-failure-burst>3</address-failure-burst></throttling>" +
                "<audit><format>json</format></audit>"));
        assertEquals(ConfigWatcher.Outcome.RELOADED, watcher.check());
        assertEquals(3, watcher.running().throttling().addressFailureBurst());
        assertTrue(watcher.running().audit().jsonLines());
        // neither concerns a connected client: no resync, no DB read of every connected principal
        assertEquals(List.of(false), recomputes);
        assertTrue(log.contains("reloaded <throttling>/<address-failure-burst>, <audit>/<format>"),
                log.lines().toString());
        assertFalse(log.contains("recomputed"), log.lines().toString());
    }

    @Test
    void theReloadableClientIdRulesAreTakenOverAndTheRestKeepsItsRunningValue() throws Exception {
        Files.writeString(file, with("<client-ids><device-pattern>${{mac}}</device-pattern><max-length>64" +
                "</max-length><reserve-device-ids>false</reserve-device-ids><expire-unused-after-seconds>0" +
                "</expire-unused-after-seconds></client-ids><authentication><dummy-bcrypt-cost>11" +
                "</dummy-bcrypt-cost><timeout-millis>5000</timeout-millis></authentication>"));
        assertEquals(ConfigWatcher.Outcome.RELOADED, watcher.check());
        final ClientIdSettings ids = watcher.running().clientIds();
        assertEquals("${{mac}}", ids.devicePattern().orElseThrow().toString());
        assertEquals(64, ids.maxLength());
        assertTrue(ids.reserveDeviceIds(), "restart-only, kept");
        assertEquals(ClientIdSettings.DEFAULT_EXPIRE_UNUSED_AFTER_SECONDS, ids.expireUnusedAfterSeconds());
        assertEquals(11, watcher.running().authentication().dummyBcryptCost());
        assertEquals(11, watcher.running().passwords().kinds().values().iterator().next().target().bcryptCost());
        assertEquals(AuthenticationSettings.DEFAULT_TIMEOUT_MILLIS, watcher.running().authentication().timeoutMillis());
        assertEquals(List.of(true), recomputes);
        for (final String element : List.of("<client-ids>/<reserve-device-ids>",
                "<client-ids>/<expire-unused-after-seconds>", "<authentication>/<timeout-millis>")) {
            assertTrue(log.contains("WARN account-auth: " + file + ": " + element + " changed, which takes effect " +
                    "only after a restart"), element + " in " + log.lines());
        }
    }

    @Test
    void anInvalidValueOfEachReloadableElementKeepsTheRunningOne() throws Exception {
        final AccountAuthConfig before = watcher.running();
        final List<String> invalid = List.of(
                "<throttling><address-failure-burst>0</address-failure-burst></throttling>",
                "<throttling><enabled>maybe</enabled></throttling>",
                "<cache><principal-ttl-seconds>0</principal-ttl-seconds></cache>",
                "<client-ids><device-pattern>${{colour}}</device-pattern></client-ids>",
                "<client-ids><account-pattern>(</account-pattern></client-ids>",
                "<client-ids><max-length>0</max-length></client-ids>",
                "<passwords><user><formats>bcrypt md5</formats></user></passwords>",
                "<passwords><max-argon2-iterations>0</max-argon2-iterations></passwords>",
                "<passwords><pepper>short</pepper></passwords>",
                "<authentication><dummy-bcrypt-cost>15</dummy-bcrypt-cost></authentication>",
                "<audit><format>xml</format></audit>");
        for (final String sections : invalid) {
            Files.writeString(file, with(sections));
            final List<String> atStart = startProblems();
            assertFalse(atStart.isEmpty(), sections + " is invalid at start too");
            assertEquals(ConfigWatcher.Outcome.INVALID, watcher.check(), sections);
            for (final String problem : atStart) {
                assertTrue(log.contains("ERROR account-auth: " + file + ": " + problem), problem + " in " +
                        log.lines());
            }
            assertEquals(before, watcher.running(), sections);
        }
        assertEquals(List.of(), reloads);
    }

    @Test
    void aReloadedElementThatBreaksARuleWithARunningOneIsRefused() throws Exception {
        // the running binding expiry is just long enough for the running principal TTL
        Files.writeString(file, with("<client-ids><expire-unused-after-seconds>10800</expire-unused-after-seconds>" +
                "</client-ids>"));
        final ConfigWatcher short10800 = watcherOf(ConfigFile.read(file));
        // valid on its own (its own expiry is longer), but its TTL would outlive the running expiry
        Files.writeString(file, with("<client-ids><expire-unused-after-seconds>20000</expire-unused-after-seconds>" +
                "</client-ids><cache><principal-ttl-seconds>7200</principal-ttl-seconds></cache>"));
        assertEquals(ConfigWatcher.Outcome.INVALID, short10800.check());
        assertTrue(log.contains("ERROR account-auth: " + file + ": <client-ids>/<expire-unused-after-seconds>: " +
                "10800 s is less than <cache>/<principal-ttl-seconds> plus twice <last-used-interval-seconds> " +
                "(14400 s) (the running value of what needs a restart)"), log.lines().toString());
        assertTrue(log.contains("not reloaded, kept the running configuration (1 problem,"), log.lines().toString());
        assertEquals(3600, short10800.running().cache().principalTtlSeconds());
        assertEquals(List.of(), reloads);
    }
}
