package com.accountauth.extension.bench;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH: what account-auth adds per message, HiveMQ's inline check of a device's PUBLISH against the default
 * permissions the extension gives it from the shipped config.xml ({@link DevicePublishCheck}), against the same
 * check with allow-all's permissions. The difference of the two is the extension's cost per message.
 * <p>
 * Run: {@code bench/permission-check.sh [JMH options]}, e.g. {@code bench/permission-check.sh -f 1 -wi 2 -i 3} for a
 * short run (JMH's options: {@code -h}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PermissionCheckBenchmark {

    private DevicePublishCheck check;

    @Setup
    public void setUp() throws Exception {
        check = DevicePublishCheck.shipped(EmbeddedBroker.projectDir());
    }

    /** The device's PUBLISH to its own topic against its default permissions (DENY, the config's grants). */
    @org.openjdk.jmh.annotations.Benchmark // named in full: this package has a Benchmark of its own
    public boolean device() {
        return DevicePublishCheck.check(check.device(), check.publish());
    }

    /** The same PUBLISH against allow-all's permissions (none, ALLOW): what HiveMQ checks without the extension. */
    @org.openjdk.jmh.annotations.Benchmark
    public boolean allowAll() {
        return DevicePublishCheck.check(check.allowAll(), check.publish());
    }
}
