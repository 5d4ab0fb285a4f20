package com.accountauth.extension;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds HiveMQ's allow-all extension next to ours. HiveMQ CE's download ships it enabled; it authenticates everyone
 * with every permission, so wherever account-auth decides nothing (it is not installed, or an operator removed it
 * later) the broker is open. Its folder name or its id in hivemq-extension.xml gives it away; a DISABLED file in its
 * folder turns it off.
 */
final class AllowAllExtensionCheck {

    static final String ALLOW_ALL_ID = "hivemq-allow-all-extension";
    private static final Pattern ID = Pattern.compile("<id>\\s*" + Pattern.quote(ALLOW_ALL_ID) + "\\s*</id>");

    private AllowAllExtensionCheck() {
    }

    /** The enabled allow-all extension folders in HiveMQ's extensions folder; empty when none (or unreadable). */
    static List<Path> enabledIn(final Path extensionsFolder) {
        final List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(extensionsFolder, Files::isDirectory)) {
            for (final Path folder : folders) {
                if (isAllowAll(folder) && !Files.exists(folder.resolve("DISABLED"))) {
                    found.add(folder);
                }
            }
        } catch (final IOException | RuntimeException e) {
            return found; // a warning only: never a reason not to start
        }
        return found;
    }

    private static boolean isAllowAll(final Path folder) {
        if (folder.getFileName().toString().equals(ALLOW_ALL_ID)) {
            return true;
        }
        final Path descriptor = folder.resolve("hivemq-extension.xml");
        try {
            return Files.isRegularFile(descriptor) && Files.size(descriptor) < 65_536 &&
                    ID.matcher(Files.readString(descriptor)).find();
        } catch (final IOException | RuntimeException e) {
            return false;
        }
    }
}
