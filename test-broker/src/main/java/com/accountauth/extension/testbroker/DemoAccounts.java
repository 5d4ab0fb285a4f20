package com.accountauth.extension.testbroker;

import java.util.List;

/**
 * The demo rows the test broker seeds: the one place they are defined. The launcher prints them at start,
 * test-broker/README.md lists them (DemoAccountsReadmeTest keeps the two in step) and the tests log in with them.
 * <p>
 * Pairings: alice owns camera 1 and views camera 2; bob owns cameras 2 and 3. So camera 3 is NOT paired to alice
 * (her subscription to it is refused) and camera 1 is not paired to bob.
 */
public final class DemoAccounts {

    /** A device row: logs in with its MAC; its topics are /vendor/model/event/uid[/...]. */
    public record Device(String mac, String password, String uid, String vendor, String model) {

        /** The topic of one event of this device, e.g. /orbweb/ipcam/motion/XRHIU1Z76KFMWXPDWQFM. */
        public String topic(final String event) {
            return "/" + vendor + "/" + model + "/" + event + "/" + uid;
        }

        /** The filter for every event of this device. */
        public String allEvents() {
            return topic("+");
        }
    }

    /** An account row: logs in with its email; role 'user' or 'service'. */
    public record Account(String email, String password, String role) {
    }

    /** A pairing row: the account sees the device; an owner may also send it commands. */
    public record Pairing(Account account, Device device, String role) {
    }

    public static final Device CAMERA_1 =
            new Device("00:1B:FE:0D:44:21", "cam1-pass", "XRHIU1Z76KFMWXPDWQFM", "orbweb", "ipcam");
    public static final Device CAMERA_2 =
            new Device("00:1B:FE:0D:44:22", "cam2-pass", "ZVQ4M8T2LPW9XNB7RDKA", "zavio", "ipcam");
    public static final Device CAMERA_3 =
            new Device("00:1B:FE:0D:44:23", "cam3-pass", "ORB3C5N7QPZ2KVM8TYEW", "orbweb", "ipcam");

    /**
     * The device stored with a fast-scheme hash ({@code $sha256$}, as provision-device makes without a pepper); the
     * others are bcrypt. Its password is no random secret, as a real one would be: it is a demo.
     */
    public static final Device FAST_SCHEME_DEVICE = CAMERA_3;

    public static final Account ALICE = new Account("alice@example.com", "alice-pass", "user");
    public static final Account BOB = new Account("bob@example.com", "bob-pass", "user");
    public static final Account SERVICE = new Account("service@example.com", "service-pass", "service");

    public static final List<Device> DEVICES = List.of(CAMERA_1, CAMERA_2, CAMERA_3);
    public static final List<Account> ACCOUNTS = List.of(ALICE, BOB, SERVICE);
    public static final List<Pairing> PAIRINGS = List.of(
            new Pairing(ALICE, CAMERA_1, "owner"),
            new Pairing(ALICE, CAMERA_2, "viewer"),
            new Pairing(BOB, CAMERA_2, "owner"),
            new Pairing(BOB, CAMERA_3, "owner"));

    private DemoAccounts() {
    }

    /** The table printed at start (and copied into test-broker/README.md). */
    public static String describe() {
        final StringBuilder out = new StringBuilder();
        out.append("  Devices (username = MAC):\n");
        for (final Device d : DEVICES) {
            out.append(String.format("    %-19s password %-11s  /%s/%s/<event>/%s%n", d.mac(), d.password(),
                    d.vendor(), d.model(), d.uid()));
        }
        out.append("  Accounts (username = email):\n");
        for (final Account a : ACCOUNTS) {
            out.append(String.format("    %-19s password %-13s role %-7s %s%n", a.email(), a.password(), a.role(),
                    pairingsOf(a)));
        }
        return out.toString();
    }

    private static String pairingsOf(final Account account) {
        if (account.role().equals("service")) {
            return "publishes and subscribes to /#";
        }
        final StringBuilder out = new StringBuilder();
        for (final Pairing p : PAIRINGS) {
            if (p.account() == account) {
                out.append(out.isEmpty() ? "" : ", ").append(p.role()).append(" of ").append(p.device().uid());
            }
        }
        return out.toString();
    }
}
