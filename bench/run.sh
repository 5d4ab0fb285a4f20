#!/usr/bin/env bash
# The account-auth benchmark: a private MariaDB seeded with N devices and N/2 users (default N = 10000; and N more
# devices on the fast scheme, each with its own secret, for the fast cold storm after the warm storms), the test
# broker with the extension and the same HiveMQ with an allow-all authenticator (each in its own JVM, both up, the
# compared measurements alternating between them; a third, allow-all plus the extension's server-side subscriptions,
# for reference), driven by real MQTT 5 clients over loopback. Prints one table (the brokers side by side, the
# ratios, the bars) and writes it with the machine's details to bench/results-<date>.md;
# broker logs, heap histograms and JFR profiles (-Dbench.jfr=true) go to target/bench-<time>/.
#   bench/run.sh [N]     N = 10000 takes about 22 minutes on 2 cores (9 of them the cold storm: 15,000 bcrypt checks)
#                        and about 13 GB of memory; bench/run.sh 1000 is a quicker check (about 11 minutes:
#                        the QoS 1 parts do not shrink with N); then, about 7 minutes more, QoS 1 as a user runs the
#                        test broker (bench/qos-as-user.sh: test-broker/run.sh itself, both subscription styles),
#                        appended to the same results file (BENCH_QOS_AS_USER=0 leaves it out)
# Its code: bench/src/main/java (Benchmark the driver, a class per scenario, BenchReport the table and the results
# file, BenchBroker the broker JVMs), with the test broker's; bench/README.md describes the method.
# Needs JDK 17, Maven and the mariadb-server package (like the integration tests), and a quiet machine: it reports
# how much CPU other processes took during each measured phase and warns when it was over 10%.
# Knobs, as JVM properties in BENCH_JAVA_OPTS (defaults in brackets): -Dbench.warmInFlight [100]
# -Dbench.coldInFlight [100] -Dbench.warmupStorms [8] -Dbench.warmRounds [7] -Dbench.qosDevices [500]
# -Dbench.qosMessages [250000] -Dbench.qosRounds [5] -Dbench.qosWarmup [30000] -Dbench.qosInFlight [500]
# -Dbench.brokerHeapMb [1024 + N/5] -Dbench.brokerYoungMb [256]
# -Dbench.sessionExpiry [0: clean start; > 0: persistent sessions]
# -Dbench.bcryptCost [10] (quick checks only: a lower cost shortens the cold storm, whose bar then means nothing)
# -Dbench.jfr=true (a JFR recording of the broker per measured phase); BENCH_BROKER_JVM_OPTS adds broker JVM options.
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

n="${1:-10000}"
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 4 ]; then
    echo "usage: bench/run.sh [N]   (N devices and N/2 users, N >= 4; default 10000)" >&2
    exit 2
fi

# every client is a socket in the driver's JVM, and its peer one in the broker's: raise the open-files limit if we may
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# shellcheck source=test-broker/prepare.sh
. test-broker/prepare.sh
prepare_part "bench" bench src/testFixtures test-broker/src/main bench/src/main

# the driver's heap holds the MQTT clients; half of it is young generation, so that the driver collects between the
# measured phases (the benchmark empties it before each), not during them; each broker JVM gets its own heap
# (-Dbench.brokerHeapMb, -Dbench.brokerYoungMb)
driver_heap_mb=$(( 1024 + n / 4 ))
driver_young_mb=$(( driver_heap_mb / 2 ))

# target/classes after the rest: the driver reads the shipped config.xml with the extension's own classes to time the
# broker's per-message permission check; the brokers load the extension from its ZIP, as the integration tests do
started="$(mktemp)"
# shellcheck disable=SC2086
"$java" "${jvm_access[@]}" \
    -Xms${driver_heap_mb}m -Xmx${driver_heap_mb}m -Xmn${driver_young_mb}m \
    -Daccountauth.basedir="$project" \
    -Daccountauth.zip="$project/$zip" \
    ${BENCH_JAVA_OPTS:-} \
    -cp "$classpath:target/classes" \
    com.accountauth.extension.bench.Benchmark "$n"

# then QoS 1 as a user has it (bench/qos-as-user.sh: test-broker/run.sh itself, both subscription styles), appended
# to the same results file; BENCH_QOS_AS_USER=0 leaves it out, BENCH_QOS_AS_USER_OPTS gives it -Dqos.* knobs
if [ "${BENCH_QOS_AS_USER:-1}" != 0 ]; then
    results="$(find bench -maxdepth 1 -name 'results-*.md' -newer "$started" | head -n 1)"
    # shellcheck disable=SC2086
    "$java" "${jvm_access[@]}" -Xmx1g \
        -Daccountauth.basedir="$project" \
        -Daccountauth.zip="$project/$zip" \
        -Dqos.results="$results" ${BENCH_QOS_AS_USER_OPTS:-} \
        -cp "$classpath" \
        com.accountauth.extension.bench.QosAsUser
fi
rm -f "$started"
