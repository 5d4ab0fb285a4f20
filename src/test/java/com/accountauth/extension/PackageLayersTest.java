package com.accountauth.extension;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packages form layers: each may import only the ones listed before it, so no cycle can come back unnoticed. */
class PackageLayersTest {

    /** Lowest first; docs/ARCHITECTURE.md describes each. */
    private static final List<String> LAYERS = List.of(
            "util", "metrics", "identity", "password", "acl", "config", "db", "principal", "cache", "connection",
            "throttle", "auth", "sync", "cli");

    private static final Path MAIN = Path.of("src/main/java/com/accountauth/extension");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?com\\.accountauth\\.extension\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    @Test
    void everyPackageImportsOnlyTheLayersBelowIt() throws IOException {
        final List<String> violations = new ArrayList<>();
        final List<String> unlisted = new ArrayList<>();
        try (Stream<Path> packages = Files.list(MAIN)) {
            for (final Path dir : packages.filter(Files::isDirectory).toList()) {
                final String name = dir.getFileName().toString();
                final int level = LAYERS.indexOf(name);
                if (level < 0) {
                    unlisted.add(name);
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (final Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        final Matcher m = IMPORT.matcher(Files.readString(file));
                        while (m.find()) {
                            final String target = m.group(1);
                            if (!target.equals(name) && !(LAYERS.indexOf(target) >= 0 && LAYERS.indexOf(target) < level)) {
                                violations.add(file.getFileName() + " (" + name + ") imports " + target);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), unlisted, "packages missing from LAYERS");
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckSeesImports() throws IOException {
        // guards against a path change that would make the test above pass vacuously
        try (Stream<Path> files = Files.walk(MAIN.resolve("auth"))) {
            assertTrue(files.anyMatch(f -> {
                try {
                    return IMPORT.matcher(Files.readString(f)).find();
                } catch (IOException e) {
                    return false;
                }
            }));
        }
    }
}
