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
     * Deletes a folder and everything in it; nothing to do when it does not exist.
     *
     * @throws UncheckedIOException when something in it could not be deleted
     */
    public static void delete(final Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            // children before their parents
            final List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
            for (final Path path : deepestFirst) {
                Files.deleteIfExists(path);
            }
        } catch (final IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot delete " + folder,
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
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
