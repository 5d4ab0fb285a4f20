package com.accountauth.extension.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A {@link BrokerSide} in a {@link BenchBroker} JVM of its own, driven through {@link BrokerProcess}. */
record ForkedBrokerSide(String name, BrokerProcess broker, MqttLoad load, List<MqttLoad.Client> clients)
        implements BrokerSide {

    @Override
    public BrokerCpu.Reading cpu() throws InterruptedException {
        return BrokerCpu.Reading.parse(broker.call("cpu", Duration.ofMinutes(1)));
    }

    @Override
    public long heapAfterGc() throws InterruptedException {
        return broker.heapAfterGc();
    }

    @Override
    public void histogram(final Path file) throws InterruptedException {
        broker.call("histogram " + file, Duration.ofMinutes(2));
    }

    @Override
    public void restart() throws InterruptedException {
        broker.call("restart", Duration.ofMinutes(3));
    }

    @Override
    public void profileStart(final Path file) throws InterruptedException {
        broker.call("jfr-start " + file, Duration.ofMinutes(1));
    }

    @Override
    public void profileStop() throws InterruptedException {
        broker.call("jfr-stop", Duration.ofMinutes(2));
    }

    @Override
    public void close() {
        broker.close();
    }
}
