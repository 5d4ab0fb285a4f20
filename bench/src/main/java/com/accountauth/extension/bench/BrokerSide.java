package com.accountauth.extension.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * A broker under test as the scenarios see it: its clients, its CPU time, a full GC, a heap histogram, a restart.
 * How the broker was started is the side's own business, so another kind of broker (e.g. the test broker as
 * {@code test-broker/run.sh} starts it) can take part in a scenario by implementing this.
 */
interface BrokerSide extends AutoCloseable {

    String name();

    MqttLoad load();

    /** Its clients: every device and user of the population, built once, connected and disconnected many times. */
    List<MqttLoad.Client> clients();

    /** The broker's CPU time so far, the whole process and by thread. */
    BrokerCpu.Reading cpu() throws InterruptedException;

    /** Runs a full GC in the broker and returns the used heap after it, in bytes. */
    long heapAfterGc() throws InterruptedException;

    /** Writes the broker's class histogram of live objects (which runs a full GC) to {@code file}. */
    void histogram(Path file) throws InterruptedException;

    /** Restarts the broker in the same JVM, its persistent state kept, its caches empty. */
    void restart() throws InterruptedException;

    /** Starts a JFR recording of the broker into {@code file}. */
    void profileStart(Path file) throws InterruptedException;

    void profileStop() throws InterruptedException;

    /** Stops the broker. */
    @Override
    void close();
}
