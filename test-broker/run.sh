#!/usr/bin/env bash
# Starts the account-auth test broker: HiveMQ CE with the extension installed as an operator installs it, TLS on
# first start, demo accounts in an embedded DB. Needs only JDK 17 and Maven. Ctrl-C stops it.
# Its code: test-broker/src/main/java (and the fixtures it shares with the tests, src/testFixtures/java).
#   test-broker/run.sh [--fresh] [--mqtt-port N] [--tls-port N] [--ws-port N] [--bind ADDR] [--seed] [--help]
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

# shellcheck source=test-broker/prepare.sh
. test-broker/prepare.sh
prepare_part "test broker" test-broker src/testFixtures test-broker/src/main

# exec: Ctrl-C reaches the JVM directly, whose shutdown hook stops HiveMQ cleanly
exec "$java" "${jvm_access[@]}" \
    -Daccountauth.basedir="$project" \
    -Daccountauth.zip="$project/$zip" \
    -cp "$classpath" \
    com.accountauth.extension.testbroker.TestBroker "$@"
