#!/usr/bin/env bash
# Sourced by test-broker/run.sh and bench/run.sh (from the project folder): builds what is stale, then sets
#   zip          the extension ZIP, rebuilt when missing or older than anything it is built from
#   classpath    the part's classes and the test class path (HiveMQ CE embedded, MQTT client, drivers, ...)
#   java         the java to run
#   jvm_access   the --add-opens/--add-exports HiveMQ needs on Java 17
# Usage: prepare_part LABEL PART SOURCE_DIR...
#   PART: the compiler execution in pom.xml (test-broker or bench) that compiles SOURCE_DIRs, and only them, into
#   target/PART-classes; the tests are not compiled (docs/LAYOUT.md).

# Maven, quiet: its output (errors only, with -q) is shown when it fails
mvn_quiet() {
    local log status=0
    log="$(mktemp)"
    mvn -q -B "$@" >"$log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
        rm -f "$log"
        echo "$prepare_label: 'mvn $*' failed" >&2
        exit "$status"
    fi
    rm -f "$log"
}

newest_zip() {
    ls -t target/account-auth-*.zip 2>/dev/null | head -n 1 || true
}

prepare_part() {
    prepare_label="$1"
    local part="$2"
    shift 2
    local part_sources=("$@")
    local classes="target/$part-classes"
    local compiled_stamp="target/$part-classes.compiled"
    local classpath_file=target/test.classpath

    # 1. the extension ZIP (-Dmaven.test.skip: the tests are neither compiled nor run)
    zip="$(newest_zip)"
    local sources=(pom.xml hivemq-extension.xml conf src/main src/assembly)
    if [ -z "$zip" ] || [ -n "$(find "${sources[@]}" -newer "$zip" -print -quit)" ]; then
        echo "$prepare_label: building the extension (mvn -q -B -Dmaven.test.skip package) ..."
        mvn_quiet -Dmaven.test.skip=true package
        zip="$(newest_zip)"
    fi

    # 2. the part's own sources, recompiled when one changed since the last time
    if [ ! -d "$classes" ] || [ ! -f "$compiled_stamp" ] ||
        [ -n "$(find pom.xml "${part_sources[@]}" -newer "$compiled_stamp" -print -quit)" ]; then
        echo "$prepare_label: compiling ${part_sources[*]} (mvn -q -B compiler:testCompile@$part) ..."
        mvn_quiet compiler:testCompile@"$part"
        touch "$compiled_stamp"
    fi

    # 3. the test class path, asked of Maven once per pom.xml change
    if [ ! -s "$classpath_file" ] || [ pom.xml -nt "$classpath_file" ]; then
        echo "$prepare_label: resolving the class path (mvn dependency:build-classpath) ..."
        mvn_quiet org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
            -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"
    fi
    classpath="$classes:$(cat "$classpath_file")"

    java="java"
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        java="$JAVA_HOME/bin/java"
    fi
    jvm_access=(
        --add-opens java.base/java.lang=ALL-UNNAMED
        --add-opens java.base/java.nio=ALL-UNNAMED
        --add-opens java.base/sun.nio.ch=ALL-UNNAMED
        --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
        --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    )
}
