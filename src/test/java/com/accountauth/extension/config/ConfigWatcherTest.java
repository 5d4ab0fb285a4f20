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
        watcher = new ConfigWatcher(loader, atStart, loader.load(atStart), reloads::add);
        log = new LogCapture();
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
        assertTrue(log.contains("reloaded <permissions> and <auto-subscribe>"), log.lines().toString());
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
        Files.writeString(file, config(EVENTS, "8", "${ENV:DB_PASSWORD}").replace("</account-auth>",
                "<cache><principal-ttl-seconds>60</principal-ttl-seconds></cache>" +
                        "<passwords><pbkdf2-iterations>300000</pbkdf2-iterations><user><formats>bcrypt</formats>" +
                        "<target>bcrypt</target></user><service><target>pbkdf2</target></service></passwords>" +
                        "<reload><interval-seconds>5</interval-seconds></reload></account-auth>"));
        final AccountAuthConfig other = loader.load(file);
        assertEquals(List.of("<cache>/<principal-ttl-seconds>", "<passwords>/<pbkdf2-iterations>",
                "<passwords>/<user>/<formats>", "<passwords>/<service>/<target>", "<reload>/<interval-seconds>"), ReloadableParts.needingRestart(running, other));
        assertFalse(ReloadableParts.differ(running, other));

        // two elements of the same name in two sections are both named; a cost copied into <passwords> only once
        Files.writeString(file, config(EVENTS, "8", "${ENV:DB_PASSWORD}").replace("</account-auth>",
                "<live-changes><enabled>false</enabled></live-changes><throttling><enabled>false</enabled>" +
                        "</throttling><authentication><max-bcrypt-cost>13</max-bcrypt-cost>" +
                        "<dummy-bcrypt-cost>11</dummy-bcrypt-cost></authentication></account-auth>"));
        assertEquals(List.of("<authentication>/<max-bcrypt-cost>", "<authentication>/<dummy-bcrypt-cost>",
                "<live-changes>/<enabled>", "<throttling>/<enabled>"),
                ReloadableParts.needingRestart(running, loader.load(file)));
    }
}
