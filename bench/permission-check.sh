#!/usr/bin/env bash
# JMH micro-benchmark of what account-auth adds per message: HiveMQ's inline check of a device's PUBLISH against the
# default permissions the extension gives it from conf/config.xml, against the same check with allow-all's
# (PermissionCheckBenchmark in bench/src/main/java). Prints JMH's table, in ns per check.
#   bench/permission-check.sh                  JMH's defaults of the class: 2 forks x (5 warm-up + 5 measured) x 1 s
#   bench/permission-check.sh -f 1 -wi 2 -i 3  a short run (about 10 s); any JMH option works (-h lists them)
# Compiles like bench/run.sh (test-broker/prepare.sh): the extension's ZIP and target/bench-classes when stale.
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

# shellcheck source=test-broker/prepare.sh
. test-broker/prepare.sh
prepare_part "permission-check" bench src/testFixtures test-broker/src/main bench/src/main

# target/classes: the extension's own classes read config.xml and plan the permissions, as at CONNECT; JMH's forked
# JVMs get this JVM's options and class path
exec "$java" "${jvm_access[@]}" \
    -Daccountauth.basedir="$project" \
    -cp "$classpath:target/classes" \
    org.openjdk.jmh.Main "$@" com.accountauth.extension.bench.PermissionCheckBenchmark
