package com.accountauth.extension.it;

import com.accountauth.extension.testsupport.EmbeddedBroker;
import com.accountauth.extension.testsupport.Folders;
import com.accountauth.extension.testsupport.HiveMqLauncher;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.hivemq.HiveMQContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The extension in HiveMQ's official CE image against MySQL 8, for users with Docker. Skipped where there is no
 * Docker engine (as on our CI machines, where {@link AccountAuthIT} covers the same rules with in-process parts).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerizedAccountAuthIT {

    private static final Network NETWORK = Network.newNetwork();

    @Container
    static final MySQLContainer<?> MYSQL = new MySQLContainer<>(DockerImageName.parse("mysql:8.4"))
            .withDatabaseName("accounts").withUsername("app").withPassword("app-secret")
            .withNetwork(NETWORK).withNetworkAliases("mysql");

    @Test
    void deviceLogsInAndWrongPasswordIsRefused() throws Exception {
        try (Connection c = DriverManager.getConnection(MYSQL.getJdbcUrl(), "root", MYSQL.getPassword());
             Statement s = c.createStatement()) {
            for (final String sql : Files.readString(EmbeddedBroker.projectDir().resolve("conf/schema.sql"))
                    .split(";\\s*\\n")) {
                if (!sql.replaceAll("(?m)^--.*$", "").isBlank()) {
                    s.execute(sql);
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO devices (mac, uid, vendor, model, " +
                    "password_hash) VALUES ('00:1B:FE:0D:44:21', 'XRHIU1Z76KFMWXPDWQFM', 'orbweb', 'ipcam', ?)")) {
                insert.setString(1, BCrypt.hashpw("device-pass", BCrypt.gensalt(4)));
                insert.executeUpdate();
            }
        }
        final Path extensions = Files.createTempDirectory("account-auth-container");
        HiveMqLauncher.installExtension(HiveMqLauncher.extensionZip(), extensions);
        final Path extension = extensions.resolve("account-auth");
        Files.writeString(extension.resolve("conf/config.xml"),
                EmbeddedBroker.shippedConfigFor("jdbc:mysql://mysql:3306/accounts?useSSL=false&allowPublicKeyRetrieval=true",
                        "app", "app-secret"));
        try (HiveMQContainer hivemq = new HiveMQContainer(DockerImageName.parse("hivemq/hivemq-ce").withTag("2025.5"))
                .withNetwork(NETWORK)
                .withExtension(MountableFile.forHostPath(extension))
                .waitForExtension("Account Auth Extension")) {
            hivemq.start();
            final MqttClients mqtt = new MqttClients(hivemq.getHost(), hivemq.getMqttPort());
            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, mqtt.connect5("00:1B:FE:0D:44:21", "device-pass"));
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    mqtt.connect5("00:1B:FE:0D:44:21", "wrong"));
        } finally {
            Folders.deleteQuietly(extensions);
        }
    }
}
