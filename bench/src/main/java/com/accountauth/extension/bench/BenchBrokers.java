package com.accountauth.extension.bench;

import static com.accountauth.extension.bench.Benchmark.say;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.accountauth.extension.testsupport.MariaDbServer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts the benchmark's broker sides, each a {@link BenchBroker} JVM with the same heap: account-auth (the test
 * broker with the built ZIP), allow-all, and the floor (allow-all plus account-auth's server-side subscriptions).
 */
final class BenchBrokers {

    private final Path artifacts;
    private final long heapMb;
    private final long youngMb;

    BenchBrokers(final Path artifacts, final long heapMb, final long youngMb) {
        this.artifacts = artifacts;
        this.heapMb = heapMb;
        this.youngMb = youngMb;
    }

    /**
     * The test broker with the shipped config.xml against {@code server}, restarted once: its caches hold only the
     * device rows the shipped {@code <preload-devices>} read at the restart (no verified password, no user).
     */
    BrokerSide accountAuth(final MariaDbServer server, final List<Population.Login> everyone) throws Exception {
        final String name = "account-auth";
        final Path zip = benchZip(server);
        say("account-auth: starting the test broker (own JVM, -Xmx" + heapMb + "m) ...");
        final BrokerProcess broker = BrokerProcess.launch(name, heapMb, youngMb, brokerJvm(),
                artifacts.resolve("account-auth-broker.stderr.log"));
        final int port;
        try {
            final String started = broker.call(String.join(" ", "account-auth",
                    artifacts.resolve("account-auth").toString(), zip.toString(), server.jdbcUrl(), server.appUser(),
                    server.appPassword(), artifacts.resolve("account-auth-hivemq.log").toString()),
                    Duration.ofMinutes(3));
            port = Integer.parseInt(started.replace("port=", "").trim());
            broker.call("restart", Duration.ofMinutes(3));
        } catch (final Exception | Error e) {
            broker.close();
            throw e;
        }
        say("account-auth: test broker (pid " + broker.pid() + ") listening on 127.0.0.1:" + port +
                ", restarted once: its caches hold only the device rows preloaded at start");
        final MqttLoad load = new MqttLoad(port, Benchmark::say);
        return new ForkedBrokerSide(name, broker, load, load.clients(everyone));
    }

    /** The test broker's rendered HiveMQ config, which {@link #accountAuth} wrote, for the allow-all sides. */
    Path accountAuthHiveMqConfig() {
        return artifacts.resolve("account-auth/hivemq/conf/config.xml");
    }

    /**
     * Starts HiveMQ with the allow-all authenticator in its own JVM; with {@code serverSideSubscriptions} also with a
     * client initializer that subscribes each session to what account-auth subscribes it to (the floor).
     */
    BrokerSide allowAll(final String name, final List<Population.Login> everyone,
                        final boolean serverSideSubscriptions) throws Exception {
        final Path dir = artifacts.resolve(name);
        final Path conf = dir.resolve("conf");
        final int port = allowAllConfig(accountAuthHiveMqConfig(), conf);
        BenchBroker.writeLogback(conf, artifacts.resolve(name + "-hivemq.log"));
        say(name + ": starting HiveMQ with the allow-all authenticator" + (serverSideSubscriptions ?
                " and a client initializer making account-auth's server-side subscriptions" : "") + " (own JVM, -Xmx" +
                heapMb + "m) ...");
        String command = "allow-all " + conf + " " + dir;
        if (serverSideSubscriptions) {
            final Path subscriptions = artifacts.resolve(name + "-subscriptions.txt");
            final List<String> lines = new ArrayList<>();
            for (final Population.Login login : everyone) {
                lines.add(String.join(" ", login.clientId(), String.join(" ", login.autoSubscriptions())).trim());
            }
            Files.write(subscriptions, lines, StandardCharsets.UTF_8);
            command += " " + subscriptions;
        }
        final BrokerProcess broker = BrokerProcess.launch(name, heapMb, youngMb, brokerJvm(),
                artifacts.resolve(name + "-broker.stderr.log"));
        try {
            broker.call(command, Duration.ofMinutes(3));
        } catch (final Exception | Error e) {
            broker.close();
            throw e;
        }
        say(name + ": broker (pid " + broker.pid() + ") listening on 127.0.0.1:" + port +
                " (the test broker's HiveMQ config, other ports); the other brokers stay up, idle");
        final MqttLoad load = new MqttLoad(port, Benchmark::say);
        return new ForkedBrokerSide(name, broker, load, load.clients(everyone));
    }

    /** The built ZIP with conf/config.xml = the shipped one, DB URL and credentials filled in. */
    private Path benchZip(final MariaDbServer server) throws IOException {
        return ExtensionZip.withConfig(EmbeddedBroker.shippedConfigFor(server.jdbcUrl(), server.appUser(),
                server.appPassword()), artifacts.resolve("account-auth-bench.zip"));
    }

    /** The test broker's rendered HiveMQ config with every listener on a new free port; returns the TCP port. */
    private static int allowAllConfig(final Path accountAuthConfig, final Path conf) throws Exception {
        Files.createDirectories(conf);
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        final Document document = factory.newDocumentBuilder().parse(accountAuthConfig.toFile());
        int tcpPort = -1;
        final Element listeners = (Element) document.getElementsByTagName("listeners").item(0);
        final NodeList children = listeners.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element listener) {
                final int port = HiveMqLauncher.freePort();
                listener.getElementsByTagName("port").item(0).setTextContent(Integer.toString(port));
                if (listener.getTagName().equals("tcp-listener")) {
                    tcpPort = port;
                }
            }
        }
        final var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        try (OutputStream out = Files.newOutputStream(conf.resolve("config.xml"))) {
            transformer.transform(new DOMSource(document), new StreamResult(out));
        }
        return tcpPort;
    }

    private static List<String> brokerJvm() {
        final String extra = System.getenv("BENCH_BROKER_JVM_OPTS");
        return extra == null || extra.isBlank() ? List.of() : Arrays.asList(extra.trim().split("\\s+"));
    }
}
