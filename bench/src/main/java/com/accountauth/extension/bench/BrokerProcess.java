package com.accountauth.extension.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A {@link BenchBroker} in its own JVM, with the same class path and JVM flags as this one, and its own heap. */
final class BrokerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final long pid;

    private BrokerProcess(final String name, final Process process) throws InterruptedException {
        this.name = name;
        this.process = process;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    replies.add(line);
                }
            } catch (final IOException ignored) {
                // the process went away
            }
            replies.add("ERR broker process " + name + " ended");
        }, "bench-broker-reader-" + name);
        reader.setDaemon(true);
        reader.start();
        // the JVM itself may print to stdout first (e.g. JFR's start-up line): skip to our READY
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String ready;
        do {
            ready = replies.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } while (ready != null && !ready.startsWith("READY pid=") && !ready.startsWith("ERR"));
        if (ready == null || !ready.startsWith("READY pid=")) {
            process.destroyForcibly();
            throw new IllegalStateException("broker process " + name + " did not start: " + ready);
        }
        this.pid = Long.parseLong(ready.substring("READY pid=".length()));
    }

    /**
     * @param heapMb   -Xms and -Xmx of the broker JVM
     * @param youngMb  -Xmn of the broker JVM
     * @param extraJvm more JVM options (e.g. -XX:StartFlightRecording=...)
     * @param log      where the broker JVM's stderr goes
     */
    static BrokerProcess launch(final String name, final long heapMb, final long youngMb, final List<String> extraJvm,
                                final Path log) throws IOException, InterruptedException {
        final List<String> jvm = new ArrayList<>(List.of("-Xms" + heapMb + "m", "-Xmx" + heapMb + "m",
                "-Xmn" + youngMb + "m"));
        jvm.addAll(extraJvm);
        return launch(name, jvm, log);
    }

    /** As above with exactly these JVM options (besides the module access HiveMQ needs). */
    static BrokerProcess launch(final String name, final List<String> jvmOptions, final Path log)
            throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Daccountauth.")) {
                command.add(arg);
            }
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(brokerClassPath());
        command.add(BenchBroker.class.getName());
        final Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new BrokerProcess(name, process);
    }

    /**
     * The driver's class path without the extension's own classes (bench/run.sh adds them for the driver): a broker
     * must load the extension from its ZIP only. With both, the test broker refused every client.
     */
    private static String brokerClassPath() {
        final Path extensionClasses = Path.of(System.getProperty("accountauth.basedir", "."), "target", "classes")
                .toAbsolutePath().normalize();
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().normalize().equals(extensionClasses))
                .collect(Collectors.joining(File.pathSeparator));
    }

    long pid() {
        return pid;
    }

    /** Sends one command and waits for its answer; returns what follows "OK ". */
    String call(final String command, final Duration timeout) throws InterruptedException {
        commands.println(command);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final String line = replies.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(name + ": no answer to '" + command.split(" ")[0] + "' within " +
                        timeout.toSeconds() + " s");
            }
            if (line.startsWith("OK")) {
                return line.length() > 3 ? line.substring(3) : "";
            }
            if (line.startsWith("ERR")) {
                throw new IllegalStateException(name + ": '" + command.split(" ")[0] + "' failed: " + line);
            }
        }
    }

    long heapAfterGc() throws InterruptedException {
        final String answer = call("heap", Duration.ofMinutes(2));
        return Long.parseLong(answer.substring("used=".length()).trim());
    }

    /** The bytes of the pages in HiveMQ's Xodus log cache (part of {@link #heapAfterGc()}). */
    long pageCacheBytes() throws InterruptedException {
        final String answer = call("page-cache", Duration.ofMinutes(2));
        return Long.parseLong(answer.substring("bytes=".length()).trim());
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                commands.println("exit");
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
