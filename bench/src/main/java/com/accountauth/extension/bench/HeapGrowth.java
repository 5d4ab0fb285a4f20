package com.accountauth.extension.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A broker's heap before any client and with {@code clients} connected: the used heap after full GCs and the class
 * histograms of live objects.
 */
record HeapGrowth(long before, long connected, int clients, Path histogramBefore, Path histogramConnected) {

    double perClient() {
        return (double) (connected - before) / clients;
    }

    /** Growth of the live objects' bytes (class histograms) per connected client. */
    double livePerClient() {
        try {
            return (double) (ClassHistogram.liveBytes(histogramConnected) - ClassHistogram.liveBytes(histogramBefore))
                    / clients;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
