#!/usr/bin/env bash
# Starts the account-auth test broker: HiveMQ CE with the extension installed as an operator installs it, TLS on
# first start, demo accounts in an embedded DB. Needs only JDK 17 and Maven. Ctrl-C stops it.
#   test-broker/run.sh [--fresh] [--mqtt-port N] [--tls-port N] [--ws-port N] [--bind ADDR] [--seed] [--help]
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"

# Maven, quiet: its output (errors only, with -q) is shown when it fails
mvn_quiet() {
    local log status=0
    log="$(mktemp)"
    mvn -q -B "$@" >"$log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
        rm -f "$log"
        echo "test broker: 'mvn $*' failed" >&2
        exit "$status"
    fi
    rm -f "$log"
}

launcher_class=target/test-classes/com/accountauth/extension/testbroker/TestBroker.class
compiled_stamp=target/test-broker.compiled
classpath_file=target/test-broker.classpath

newest_zip() {
    ls -t target/account-auth-*.zip 2>/dev/null | head -n 1 || true
}

# 1. the extension ZIP, rebuilt when missing or older than anything it is built from
zip="$(newest_zip)"
sources=(pom.xml hivemq-extension.xml conf src/main src/assembly)
if [ -z "$zip" ] || [ -n "$(find "${sources[@]}" -newer "$zip" -print -quit)" ]; then
    echo "test broker: building the extension (mvn -q -B -DskipTests package) ..."
    mvn_quiet -DskipTests package
    touch "$compiled_stamp" # package compiled the test sources too
    zip="$(newest_zip)"
fi

# 2. the launcher (test sources), recompiled when a test source changed since the last time
if [ ! -f "$launcher_class" ] || [ ! -f "$compiled_stamp" ] ||
    [ -n "$(find pom.xml src/test -newer "$compiled_stamp" -print -quit)" ]; then
    echo "test broker: compiling the launcher (mvn -q -B test-compile) ..."
    mvn_quiet test-compile
    touch "$compiled_stamp"
fi

# 3. the test class path (HiveMQ CE embedded, H2, ...), asked of Maven once per pom.xml change
if [ ! -s "$classpath_file" ] || [ pom.xml -nt "$classpath_file" ]; then
    echo "test broker: resolving the class path (mvn dependency:build-classpath) ..."
    mvn_quiet org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"
fi

java="java"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java="$JAVA_HOME/bin/java"
fi

# exec: Ctrl-C reaches the JVM directly, whose shutdown hook stops HiveMQ cleanly
exec "$java" \
    --add-opens java.base/java.lang=ALL-UNNAMED \
    --add-opens java.base/java.nio=ALL-UNNAMED \
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    -Daccountauth.basedir="$project" \
    -Daccountauth.zip="$project/$zip" \
    -cp "target/test-classes:$(cat "$classpath_file")" \
    com.accountauth.extension.testbroker.TestBroker "$@"
