package com.accountauth.extension.it;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A stand-in for HiveMQ CE's shipped hivemq-allow-all-extension, installed as a folder extension the way the CE
 * download has it: same id and priority 0, and an authenticator that admits every CONNECT (with HiveMQ's default
 * permissions: everything allowed). Written as a jar of this one class (no inner classes, so one class file).
 */
public final class AllowAllFolderExtension implements ExtensionMain {

    /** The shipped extension's id and folder name. */
    static final String ID = "hivemq-allow-all-extension";

    @Override
    public void extensionStart(final ExtensionStartInput input, final ExtensionStartOutput output) {
        final SimpleAuthenticator allowAll = (authInput, authOutput) -> authOutput.authenticateSuccessfully();
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> allowAll);
    }

    @Override
    public void extensionStop(final ExtensionStopInput input, final ExtensionStopOutput output) {
    }

    /** Writes {@code extensions/hivemq-allow-all-extension/} with its descriptor (priority 0, as shipped) and jar. */
    static Path installInto(final Path extensions) throws IOException {
        final Path folder = Files.createDirectories(extensions.resolve(ID));
        Files.writeString(folder.resolve("hivemq-extension.xml"), """
                <?xml version="1.0" encoding="UTF-8" ?>
                <hivemq-extension>
                    <id>%s</id>
                    <version>1.1.4</version>
                    <name>Allow All Extension (test stand-in)</name>
                    <author>account-auth tests</author>
                    <priority>0</priority>
                    <start-priority>0</start-priority>
                </hivemq-extension>
                """.formatted(ID));
        final String classFile = AllowAllFolderExtension.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(folder.resolve("allow-all-stand-in.jar"));
             ZipOutputStream jar = new ZipOutputStream(file);
             InputStream bytes = AllowAllFolderExtension.class.getClassLoader().getResourceAsStream(classFile)) {
            jar.putNextEntry(new ZipEntry("META-INF/services/" + ExtensionMain.class.getName()));
            jar.write((AllowAllFolderExtension.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            jar.putNextEntry(new ZipEntry(classFile));
            bytes.transferTo(jar);
            jar.closeEntry();
        }
        return folder;
    }
}
