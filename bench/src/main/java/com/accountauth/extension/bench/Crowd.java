package com.accountauth.extension.bench;

import static com.accountauth.extension.bench.Benchmark.say;

import com.accountauth.extension.testsupport.StatementKind;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Scenario: {@link #SIZE} clients of one account that was never connected, distinct client ids, all CONNECTs at
 * once; counts the statements that read that account's row and its pairings (single-flight loads: one each).
 */
final class Crowd {

    static final int SIZE = 100;

    record Result(MqttLoad.Storm storm, BenchDatabase.Counts db, long accountLoads, long planLoads,
                  long clientIdStatements) {
    }

    private final Population population;

    Crowd(final Population population) {
        this.population = population;
    }

    Result run(final BrokerSide aa, final BenchDatabase db) throws Exception {
        db.takeStatements();
        final MqttLoad.Storm storm = aa.load().crowd(population.crowd, SIZE);
        final List<String> statements = db.takeStatements();
        final BenchDatabase.Counts counts = BenchDatabase.Counts.of(statements);
        final Pattern planOfCrowd = Pattern.compile("account_id\\s*=\\s*" + population.crowd.id() + "\\b");
        long accountLoads = 0;
        long planLoads = 0;
        long clientIdStatements = 0;
        for (final String sql : statements) {
            final StatementKind kind = StatementKind.of(sql);
            if (kind == StatementKind.ACCOUNT_BY_EMAIL && sql.contains(Population.CROWD_EMAIL)) {
                accountLoads++;
            } else if (kind == StatementKind.PAIRED_DEVICES && planOfCrowd.matcher(sql).find()) {
                planLoads++;
            } else if (kind.clientId()) {
                clientIdStatements++;
            }
        }
        say("account-auth: " + storm.describe() + "; DB: " + counts.describe());
        return new Result(storm, counts, accountLoads, planLoads, clientIdStatements);
    }
}
