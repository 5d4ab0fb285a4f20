package com.accountauth.extension.bench;

import com.hivemq.extensions.packets.general.ModifiableDefaultPermissionsImpl;
import com.hivemq.mqtt.message.publish.PUBLISH;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The one thing account-auth makes the broker do per message, {@link DevicePublishCheck}, timed in a loop against
 * allow-all's, for the benchmark's reference row: a quick figure taken in every run. {@code bench/permission-check.sh}
 * measures the same with JMH ({@link PermissionCheckBenchmark}), forked JVMs and error bars.
 */
final class PermissionCheckCost {

    record Result(double deviceNanos, double allowAllNanos, int permissions) {

        String describe() {
            return String.format("HiveMQ's inline check of one device PUBLISH against its %d default permissions: " +
                    "%.0f ns; with allow-all's (none, ALLOW): %.0f ns (median of %d loops of %,d)", permissions,
                    deviceNanos, allowAllNanos, LOOPS - UNMEASURED_LOOPS, CHECKS);
        }
    }

    private static final int CHECKS = 2_000_000;
    private static final int LOOPS = 10;
    private static final int UNMEASURED_LOOPS = 3; // JIT

    private PermissionCheckCost() {
    }

    static Result measure(final Path config, final Population.Device device) throws Exception {
        final DevicePublishCheck check = DevicePublishCheck.of(config, device);
        return new Result(nanosPerCheck(check.device(), check.publish()),
                nanosPerCheck(check.allowAll(), check.publish()), check.permissions());
    }

    /** The median of the timed loops, after the unmeasured ones. */
    private static double nanosPerCheck(final ModifiableDefaultPermissionsImpl permissions, final PUBLISH publish) {
        final double[] loops = new double[LOOPS];
        int allowed = 0;
        for (int loop = 0; loop < loops.length; loop++) {
            final long start = System.nanoTime();
            for (int i = 0; i < CHECKS; i++) {
                if (DevicePublishCheck.check(permissions, publish)) {
                    allowed++;
                }
            }
            loops[loop] = (double) (System.nanoTime() - start) / CHECKS;
        }
        if (allowed != CHECKS * loops.length) {
            throw new IllegalStateException("a check refused a permitted PUBLISH");
        }
        final double[] measured = Arrays.copyOfRange(loops, UNMEASURED_LOOPS, loops.length);
        Arrays.sort(measured);
        return measured[measured.length / 2];
    }
}
