package com.accountauth.extension.testbroker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** test-broker/README.md shows the credentials the test broker really seeds. */
class DemoAccountsReadmeTest {

    @Test
    void theReadmeListsEveryDemoCredential() throws IOException {
        final Path readme = Path.of(System.getProperty("accountauth.basedir", "."), "test-broker/README.md");
        final String text = Files.readString(readme);
        for (final DemoAccounts.Device device : DemoAccounts.DEVICES) {
            for (final String value : new String[]{device.mac(), device.password(), device.uid(),
                    "/" + device.vendor() + "/" + device.model() + "/<event>/" + device.uid()}) {
                assertTrue(text.contains(value), readme + " does not mention " + value);
            }
        }
        for (final DemoAccounts.Account account : DemoAccounts.ACCOUNTS) {
            assertTrue(text.contains("`" + account.email() + "`"), readme + " does not mention " + account.email());
            assertTrue(text.contains("`" + account.password() + "`"),
                    readme + " does not mention " + account.password());
        }
    }
}
