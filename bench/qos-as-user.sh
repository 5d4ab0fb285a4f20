#!/usr/bin/env bash
# QoS 1 throughput of the broker as a user runs it (issue 19): test-broker/run.sh itself, against a private MariaDB
# through ACCOUNT_AUTH_*, beside HiveMQ with an allow-all authenticator in its own JVM (one listener, -Xmx2g), both
# subscription styles (the app relying on server-side subscriptions alone; the app subscribing on top of them); the
# allow-all app subscribes itself. Parts alternate A B B A after lead-in parts. Prints per-part lines and a
# table (throughput, p99, broker CPU and GC per message) and writes it to target/qos-as-user-<time>/summary.md.
#   bench/qos-as-user.sh            200 devices, one user each, 4 x 30,000 measured messages per broker and style
#   bench/qos-as-user.sh short      a quick check (40 devices, 2 x 5,000 messages), as CI may run it
#   bench/qos-as-user.sh -Dqos.testBrokerJvm=-Xmx2g   the test broker's JVM options (JAVA_TOOL_OPTIONS)
# Knobs (-Dqos.*): devices [200], devicesPerUser [1], partMessages [30000], warmup [10000], rounds [2], leadIns [2],
# inFlight [500], styles [server,both], testBrokerJvm [''], allowAllJvm [-Xmx2g], bcryptCost [6: the connects are not measured].
# Needs a quiet machine (each part prints how much CPU other processes took), JDK 17, Maven, mariadb-server.
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

props=()
if [ "${1:-}" = "short" ]; then
    shift
    props=(-Dqos.devices=40 -Dqos.partMessages=5000 -Dqos.warmup=2000 -Dqos.rounds=1)
fi

# shellcheck source=test-broker/prepare.sh
. test-broker/prepare.sh
prepare_part "bench" bench src/testFixtures test-broker/src/main bench/src/main

exec "$java" "${jvm_access[@]}" -Xmx1g \
    -Daccountauth.basedir="$project" \
    -Daccountauth.zip="$project/$zip" \
    "${props[@]}" "$@" \
    -cp "$classpath" \
    com.accountauth.extension.bench.QosAsUser
