#!/usr/bin/env bash
# A cold reconnect storm of N devices on the fast scheme (default 2000; or on bcrypt, for comparison): each device
# connects once with empty caches (a DB read and a hash check each), then once more from the caches. Prints both
# CONNECTs/s and their ratio (issue 18's bar: cold >= 0.8 x warm). Short (seconds to a minute for fast; bcrypt at
# N = 2000 takes about a minute on 2 cores), but the broker runs in the driver's JVM: a rough figure, not bench/run.sh.
#   bench/fast-cold-storm.sh [N] [fast|bcrypt]      knobs: BENCH_JAVA_OPTS="-Dbench.inFlight=100 -Dbench.workers=10 -Dbench.pool=8" (workers: as shipped by default)
# Needs JDK 17, Maven and the mariadb-server package (like the integration tests).
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

n="${1:-2000}"
format="${2:-fast}"
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || ! [[ "$format" =~ ^(fast|bcrypt)$ ]]; then
    echo "usage: bench/fast-cold-storm.sh [N] [fast|bcrypt]" >&2
    exit 2
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# shellcheck source=test-broker/prepare.sh
. test-broker/prepare.sh
prepare_part "fast-cold-storm" bench src/testFixtures test-broker/src/main bench/src/main

# not target/classes: the in-process broker loads the extension from its ZIP and must not find it twice
# shellcheck disable=SC2086
exec "$java" "${jvm_access[@]}" \
    -Daccountauth.basedir="$project" \
    -Daccountauth.zip="$project/$zip" \
    ${BENCH_JAVA_OPTS:-} \
    -cp "$classpath" \
    com.accountauth.extension.bench.FastColdStorm "$n" "$format"
