#!/usr/bin/env bash
# The randomized live-change invariant test (src/test/java/.../it/LiveChangeInvariantIT.java, issue 14, case 38) at
# a chosen size: random changes in concurrent transactions (some held open, so they commit out of seq order) while
# clients churn with and without Wills; after each quiet period every connected client's rights are probed with real
# SUBSCRIBE/PUBLISH and probe messages against the DB, and every delivery and Will is judged against the bound.
#   bench/live-changes.sh            the CI size: 12 rounds x 180 changes (2,160), 12 devices, 10 users (32 clients);
#                                    about 2-3 minutes on 2 cores
#   bench/live-changes.sh large      60 rounds x 200 changes (12,000), 40 devices, 30 users (100 clients), 6 workers
#   bench/live-changes.sh ci -Dlive.seed=1234 ...   any -Dlive.* property (see RandomRunSize) after the size, e.g. the
#                                    replay line a failed run printed
# To check the checker: one worker (no out-of-order commits), no Wills, no moved pairings finds nothing on code
# without those bugs (0 of everything on 2026-12-01's code):
#   bench/live-changes.sh ci -Dlive.rounds=4 -Dlive.changesPerRound=60 -Dlive.workers=1 -Dlive.holdPercent=0 \
#       -Dlive.willPercent=0 -Dlive.kinds="$SAFE"
#   with SAFE=PAIR,UNPAIR,OWNER_TO_VIEWER,VIEWER_TO_OWNER,DISABLE_ACCOUNT,ENABLE_ACCOUNT,DISABLE_DEVICE,ENABLE_DEVICE,ACCOUNT_PASSWORD,DEVICE_PASSWORD,DELETE_ACCOUNT,RECREATE_ACCOUNT,DELETE_DEVICE,RECREATE_DEVICE
# and adding one thing at a time (-Dlive.workers=4 -Dlive.holdPercent=30, or -Dlive.willPercent=100, or the kinds
# MOVE_TO_ACCOUNT,MOVE_TO_DEVICE) isolates one class of failure.
# The default `mvn verify` runs it at the CI size too.
# Prints "[live-invariant]" lines: per round, then the totals and the first failures in words. Needs what the
# integration tests need (JDK 17, Maven, mariadb-server).
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

size="${1:-ci}"
[ $# -gt 0 ] && shift
case "$size" in
    ci) props=() ;;
    large) props=(-Dlive.rounds=60 -Dlive.changesPerRound=200 -Dlive.devices=40 -Dlive.users=30 -Dlive.workers=6) ;;
    *) echo "usage: bench/live-changes.sh [ci|large] [-Dlive.name=value ...]" >&2; exit 2 ;;
esac

log="$(mktemp)"
status=0
mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LiveChangeInvariantIT \
    "${props[@]}" "$@" >"$log" 2>&1 || status=$?
grep -a '^\[live-invariant\]' "$log" || true
if [ "$status" -ne 0 ]; then
    grep -a -E 'Tests run:|FAIL|ERROR\]' "$log" | head -20 >&2 || true
    echo "bench/live-changes.sh: failed (exit $status); the whole Maven log: $log" >&2
    exit "$status"
fi
rm -f "$log"
