package com.accountauth.extension.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A broker's {@code GC.class_histogram} file, read: live instances and bytes by class name. */
final class ClassHistogram {

    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private ClassHistogram() {
    }

    /** Class name -> {instances, bytes}. */
    static Map<String, long[]> read(final Path file) throws IOException {
        final Map<String, long[]> classes = new HashMap<>();
        for (final String line : Files.readAllLines(file)) {
            final Matcher m = LINE.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (x, y) -> new long[]{x[0] + y[0], x[1] + y[1]});
            }
        }
        return classes;
    }

    static long liveBytes(final Path file) throws IOException {
        return read(file).values().stream().mapToLong(v -> v[1]).sum();
    }

    /** Adds {@code sign} x {@code histogram} into {@code into}. */
    static void add(final Map<String, long[]> into, final Map<String, long[]> histogram, final int sign) {
        histogram.forEach((k, v) -> into.merge(k, new long[]{sign * v[0], sign * v[1]},
                (x, y) -> new long[]{x[0] + y[0], x[1] + y[1]}));
    }
}
