package com.accountauth.extension.bench;

/** What every scenario of one {@code bench/run.sh} returned, for {@link BenchReport}. */
record BenchResults(ColdStorm.Result cold, FirstStorm.Result allowAllFirst, MqttLoad.Storm allowAllAfterRestart,
                    WarmStorms.Result warm, FastSchemeStorm.Result fast, Crowd.Result crowd, QosThroughput.Result qosAccountAuth,
                    QosThroughput.Result qosAllowAll, QosThroughput.Result qosFloor,
                    PermissionCheckCost.Result permissionCheck, double bcryptMillisFirst, double bcryptMillisLast) {

    /** The bound uses the faster of the two bcrypt timings. */
    double bcryptMillis() {
        return Math.min(bcryptMillisFirst, bcryptMillisLast);
    }
}
