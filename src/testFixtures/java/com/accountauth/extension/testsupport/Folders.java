package com.accountauth.extension.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deleting the folders that tests, the test broker and the benchmark make: one way, so none is left behind. */
public final class Folders {

    private Folders() {
    }

    /**
     * Deletes a folder and everything in it; nothing to do when it does not exist. A file that cannot be deleted does
     * not stop the rest: everything else goes, then the first failure is thrown.
     *
     * @throws UncheckedIOException when something in it could not be deleted
     */
    public static void delete(final Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        final List<Path> deepestFirst; // children before their parents
        try (Stream<Path> paths = Files.walk(folder)) {
            deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        } catch (final UncheckedIOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e.getCause());
        }
        IOException first = null;
        for (final Path path : deepestFirst) {
            try {
                Files.deleteIfExists(path);
            } catch (final IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw new UncheckedIOException("cannot delete " + folder, first);
        }
    }

    /** Deletes what it can of a temporary folder; returns the reason when something is left, else null. */
    public static String deleteQuietly(final Path folder) {
        try {
            delete(folder);
            return null;
        } catch (final UncheckedIOException e) {
            return e.getMessage() + ": " + e.getCause().getMessage();
        }
    }
}
