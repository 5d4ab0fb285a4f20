#!/usr/bin/env bash
# What a password-guessing flood costs (issue 15's bar): the test broker with the shipped config.xml in its own JVM,
# 300 wrong passwords for one device from 127.0.0.2 (50 in flight), and meanwhile a cold login of another device from
# 127.0.0.3. Prints the broker's CPU time for the flood (bar: at most 6 s) and the cold login's time (bar: 3 s).
#   bench/guess-flood.sh [-Dguess.count=300] [-Dguess.inFlight=50] [-Dguess.bcryptCost=10]
# Needs JDK 17, Maven and mariadb-server, and a quiet machine.
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

# shellcheck source=test-broker/prepare.sh
. test-broker/prepare.sh
prepare_part "guess-flood" bench src/testFixtures test-broker/src/main bench/src/main

exec "$java" "${jvm_access[@]}" \
    -Daccountauth.basedir="$project" \
    -Daccountauth.zip="$project/$zip" \
    "$@" \
    -cp "$classpath" \
    com.accountauth.extension.bench.GuessCost
