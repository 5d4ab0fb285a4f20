package com.accountauth.extension.cli;

import com.accountauth.extension.config.AccountAuthConfig;
import com.accountauth.extension.db.QueryCheck;

import java.util.List;

/** Where the CLI's commands find the account DB; tests give a fake. */
interface Backend {

    AdminStore open(AccountAuthConfig config);

    /** Every problem of the DB and of the statements of {@code <queries>} against it, one line each. */
    List<String> checkQueries(AccountAuthConfig config);

    /** The configured DB, through the extension's pool and statements. */
    Backend DATABASE = new Backend() {
        @Override
        public AdminStore open(final AccountAuthConfig config) {
            return new DbAdminStore(config);
        }

        @Override
        public List<String> checkQueries(final AccountAuthConfig config) {
            try (DbAdminStore store = new DbAdminStore(config)) {
                return QueryCheck.problems(store.dataSource(), config.queries(),
                        config.database().queryTimeoutSeconds());
            }
        }
    };
}
