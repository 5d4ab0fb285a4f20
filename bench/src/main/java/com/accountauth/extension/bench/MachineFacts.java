package com.accountauth.extension.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the report says about where it ran: CPU, memory, HiveMQ's version, the commit measured. */
final class MachineFacts {

    private MachineFacts() {
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (final IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }

    static double totalMemoryGiB() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).map(l -> l.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong).findFirst().orElse(0) / 1024.0 / 1024.0;
        } catch (final IOException | RuntimeException e) {
            return 0;
        }
    }

    static String hivemqVersion() {
        final Matcher m = Pattern.compile("hivemq-community-edition-embedded-([^/:]+)\\.jar")
                .matcher(System.getProperty("java.class.path"));
        return m.find() ? m.group(1) : "?";
    }

    /**
     * {@code git rev-parse --short HEAD} of the project, with " (with uncommitted changes)" when the work tree
     * differs from it (untracked files aside), so that a results file names the code it measured; "unknown" where
     * there is no git.
     */
    static String commit(final Path project) {
        final String head = git(project, "rev-parse", "--short", "HEAD");
        if (head == null || head.isBlank()) {
            return "unknown (no git)";
        }
        final String changes = git(project, "status", "--porcelain", "--untracked-files=no");
        return head.trim() + (changes == null ? " (state of the work tree unknown)" :
                changes.isBlank() ? "" : " (with uncommitted changes)");
    }

    private static String git(final Path project, final String... args) {
        final String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = project.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return out;
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
