#!/usr/bin/env bash
# The soak (issue 15): a private MariaDB, the test broker with the shipped config.xml (throttling as shipped) in its
# own JVM, and thousands of real MQTT 5 clients with persistent sessions held for a while: devices publish QoS 1 to
# their owners, pairings churn, a guessing flood runs from 127.0.0.2 against a connected device's username, MariaDB
# is killed (SIGKILL) and started again at a third of the time and the broker restarted at two thirds. Prints a
# sample line per interval (clients held, the broker's heap after GC and CPU, messages, unauthorised deliveries,
# throttled guesses), then the totals, and writes them to bench/results-soak-<date>.md.
# Exits 1 when a QoS 1 message was lost, one reached a client not entitled to it, or the flooded device was locked out.
#   bench/soak.sh            10,000 clients for 30 minutes (plus about 10 minutes of bcrypt-bound connecting and the
#                            reconnect after the broker restart, on 2 cores)
#   bench/soak.sh short      500 clients for 3 minutes, bcrypt cost 6, results in target/ (a quick check)
#   bench/soak.sh [default|short] -Dsoak.minutes=60 -Dsoak.clients=2000 ...   any -Dsoak.* setting (see Soak.Settings)
# Needs JDK 17, Maven and mariadb-server, like the integration tests, and a quiet machine for its CPU figures.
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

mode="${1:-default}"
[ $# -gt 0 ] && shift
case "$mode" in
    default) props=() ;;
    short) props=(-Dsoak.minutes=3 -Dsoak.clients=500 -Dsoak.sampleSeconds=15 -Dsoak.dbDownSeconds=10
                  -Dsoak.bcryptCost=6 -Dsoak.results=target/results-soak-short.md) ;;
    *) echo "usage: bench/soak.sh [default|short] [-Dsoak.name=value ...]" >&2; exit 2 ;;
esac

# every client is a socket here and one in the broker's JVM
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# shellcheck source=test-broker/prepare.sh
. test-broker/prepare.sh
prepare_part "soak" bench src/testFixtures test-broker/src/main bench/src/main

exec "$java" "${jvm_access[@]}" -Xmx2g \
    -Daccountauth.basedir="$project" \
    -Daccountauth.zip="$project/$zip" \
    "${props[@]}" "$@" \
    -cp "$classpath" \
    com.accountauth.extension.bench.Soak
