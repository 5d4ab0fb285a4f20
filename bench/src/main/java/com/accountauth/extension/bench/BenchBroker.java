package com.accountauth.extension.bench;

import com.accountauth.extension.testbroker.TestBroker;
import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.hivemq.embedded.EmbeddedExtension;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import javax.management.ObjectName;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker side of the benchmark, run in its own JVM (started by {@link BrokerProcess}): one broker at a time, the
 * account-auth test broker or HiveMQ with {@link AllowAllExtension}, driven by one-line commands on stdin, each
 * answered by one line "OK ..." or "ERR ..." on stdout. Its own JVM keeps the client sockets out of the broker's file
 * descriptor budget and the clients' objects out of the broker's heap figures.
 * <pre>
 * account-auth DATA_DIR ZIP JDBC_URL USER PASSWORD LOG_FILE [PORT]   -> OK port=P
 * allow-all CONF_DIR DATA_DIR [SUBSCRIPTIONS_FILE]            -> OK
 * restart | stop | heap (-> OK used=B) | page-cache (-> OK bytes=B) | histogram FILE | jfr-start FILE | jfr-stop | exit
 * cpu (-> OK process=NANOS t=ID:THREAD_NAME:NANOS ...)
 * </pre>
 */
public final class BenchBroker {

    private TestBroker testBroker;
    private HiveMqLauncher allowAll;
    private Path allowAllConf;
    private Path allowAllData;
    // client id -> the filters account-auth subscribes it to; empty: a plain allow-all
    private Map<String, List<String>> allowAllSubscriptions = Map.of();
    private Recording recording;

    public static void main(final String[] args) throws Exception {
        // stdout carries the protocol; everything else (HiveMQ's console appender included) goes to stderr
        final PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        final BenchBroker broker = new BenchBroker();
        protocol.println("READY pid=" + ProcessHandle.current().pid());
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = in.readLine()) != null) {
                final String[] words = line.trim().split(" ");
                if (words[0].equals("exit")) {
                    break;
                }
                try {
                    protocol.println("OK " + broker.run(words));
                } catch (final Exception | Error e) {
                    e.printStackTrace();
                    protocol.println("ERR " + String.valueOf(e.getMessage()).replace('\n', ' '));
                }
            }
        } finally {
            broker.stop();
            protocol.println("OK bye");
        }
        System.exit(0);
    }

    private String run(final String[] words) throws Exception {
        switch (words[0]) {
            case "account-auth" -> {
                final Path data = Path.of(words[1]);
                writeLogback(data.resolve("hivemq/conf"), Path.of(words[6]));
                // an 8th word: the MQTT port (a restarted broker process takes the port its clients know)
                final int mqttPort = words.length > 7 ? Integer.parseInt(words[7]) : 0;
                final TestBroker.Settings settings = TestBroker.Settings.defaults()
                        .withDataDir(data)
                        .withPorts(mqttPort, 0, 0)
                        .withDeviceTlsPort(0)
                        .withBindAddress("127.0.0.1")
                        .withExtensionZip(Path.of(words[2]))
                        .withExternalDatabase(Optional.of(new TestBroker.ExternalDatabase(words[3], words[4],
                                words[5])), false);
                testBroker = TestBroker.start(settings);
                return "port=" + testBroker.mqttPort();
            }
            case "allow-all" -> {
                allowAllConf = Path.of(words[1]);
                allowAllData = Path.of(words[2]);
                if (words.length > 3) {
                    allowAllSubscriptions = readSubscriptions(Path.of(words[3]));
                }
                startAllowAll();
                return "";
            }
            case "restart" -> {
                if (testBroker != null) {
                    testBroker.restart();
                } else {
                    stopAllowAll();
                    startAllowAll();
                }
                return "";
            }
            case "stop" -> {
                stop();
                return "";
            }
            case "heap" -> {
                return "used=" + heapAfterGc();
            }
            case "page-cache" -> {
                return "bytes=" + xodusPageCacheBytes();
            }
            case "histogram" -> {
                Files.writeString(Path.of(words[1]), classHistogram());
                return "";
            }
            case "cpu" -> {
                return cpu();
            }
            case "jfr-start" -> {
                recording = new Recording(Configuration.getConfiguration("profile"));
                recording.setDestination(Path.of(words[1]));
                recording.start();
                return "";
            }
            case "jfr-stop" -> {
                if (recording != null) {
                    recording.stop(); // writes the destination file
                    recording.close();
                    recording = null;
                }
                return "";
            }
            default -> throw new IllegalArgumentException("unknown command " + words[0]);
        }
    }

    private void startAllowAll() throws Exception {
        final EmbeddedExtension extension = EmbeddedExtension.builder()
                .withId("allow-all")
                .withName("allow-all (benchmark baseline)")
                .withVersion("1")
                .withPriority(0)
                .withStartPriority(0)
                .withExtensionMain(new AllowAllExtension(allowAllSubscriptions))
                .build();
        allowAll = HiveMqLauncher.start(allowAllConf, allowAllData.resolve("data"),
                allowAllData.resolve("no-extensions"), extension);
    }

    /** Lines of "CLIENT_ID FILTER...", as {@link Benchmark} writes them. */
    private static Map<String, List<String>> readSubscriptions(final Path file) throws IOException {
        final Map<String, List<String>> subscriptions = new HashMap<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            final String[] words = line.split(" ");
            subscriptions.put(words[0], List.of(words).subList(1, words.length));
        }
        return subscriptions;
    }

    private void stopAllowAll() throws Exception {
        if (allowAll != null) {
            try {
                allowAll.stop();
            } finally {
                allowAll = null;
            }
        }
    }

    private void stop() {
        try {
            if (testBroker != null) {
                testBroker.close();
                testBroker = null;
            }
            stopAllowAll();
        } catch (final Exception e) {
            e.printStackTrace();
        }
    }

    /** CPU time of the whole process and of every live thread, in nanoseconds. */
    private static String cpu() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final StringBuilder out = new StringBuilder("process=").append(
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime());
        for (final long id : threads.getAllThreadIds()) {
            final ThreadInfo info = threads.getThreadInfo(id);
            final long nanos = threads.getThreadCpuTime(id);
            if (info != null && nanos >= 0) {
                out.append(" t=").append(id).append(':').append(info.getThreadName().replaceAll("[\\s:]", "_"))
                        .append(':').append(nanos);
            }
        }
        return out.toString();
    }

    /** Used heap after full collections (until it stops shrinking, at most 5). */
    private static String classHistogram() throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[]{new String[0]}, new String[]{String[].class.getName()}));
    }

    /**
     * The live bytes of the pages in HiveMQ's Xodus log cache: a cache HiveMQ bounds at 25 % of the heap (its
     * {@code XODUS_PERSISTENCE_LOG_MEMORY_HEAP_PERCENTAGE}) that fills as the persistence writes, and is kept across
     * a restart inside the JVM (Xodus shares it between environments). Counted from a class histogram: one
     * {@code SharedLogCache$CachedValue} per cached page of Xodus' page size (HiveMQ keeps its default).
     */
    private static long xodusPageCacheBytes() throws Exception {
        final Object defaults = Class.forName("jetbrains.exodus.env.EnvironmentConfig").getField("DEFAULT").get(null);
        final long pageSize = ((Number) defaults.getClass().getMethod("getLogCachePageSize").invoke(defaults))
                .longValue();
        for (final String line : classHistogram().split("\n")) {
            final String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && columns[3].equals("jetbrains.exodus.log.SharedLogCache$CachedValue")) {
                return Long.parseLong(columns[1]) * pageSize;
            }
        }
        return 0;
    }

    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(300);
            final long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used - 64 * 1024) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    /** HiveMQ reads logback.xml from its configuration folder: INFO and up to a file, as in production. */
    static void writeLogback(final Path confDir, final Path logFile) throws IOException {
        Files.createDirectories(confDir);
        Files.writeString(confDir.resolve("logback.xml"), """
                <configuration scan="false">
                    <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                        <file>%s</file>
                        <append>true</append>
                        <encoder>
                            <pattern>%%-30(%%d %%level)- %%msg%%n%%ex</pattern>
                        </encoder>
                    </appender>
                    <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                        <filter class="ch.qos.logback.classic.filter.ThresholdFilter">
                            <level>WARN</level>
                        </filter>
                        <encoder>
                            <pattern>%%-30(%%d %%level)- %%msg%%n%%ex</pattern>
                        </encoder>
                    </appender>
                    <root level="INFO">
                        <appender-ref ref="FILE"/>
                        <appender-ref ref="CONSOLE"/>
                    </root>
                    <logger name="jetbrains.exodus" level="WARN"/>
                    <logger name="org.eclipse.jetty" level="ERROR"/>
                    <logger name="com.google.common.util.concurrent.Futures.CombinedFuture" level="OFF"/>
                    <logger name="oshi" level="ERROR"/>
                </configuration>
                """.formatted(logFile.toAbsolutePath()));
    }
}
