package com.accountauth.extension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AllowAllExtensionCheckTest {

    @TempDir
    Path extensions;

    @Test
    void theShippedFolderIsFound() throws Exception {
        final Path allowAll = Files.createDirectories(extensions.resolve("hivemq-allow-all-extension"));
        Files.createDirectories(extensions.resolve("account-auth"));
        assertEquals(List.of(allowAll), AllowAllExtensionCheck.enabledIn(extensions));
    }

    @Test
    void aRenamedFolderIsFoundByItsId() throws Exception {
        final Path renamed = Files.createDirectories(extensions.resolve("open-door"));
        Files.writeString(renamed.resolve("hivemq-extension.xml"),
                "<hivemq-extension><id> hivemq-allow-all-extension </id><priority>0</priority></hivemq-extension>");
        assertEquals(List.of(renamed), AllowAllExtensionCheck.enabledIn(extensions));
    }

    @Test
    void aDisabledOneIsNotReported() throws Exception {
        final Path allowAll = Files.createDirectories(extensions.resolve("hivemq-allow-all-extension"));
        Files.writeString(allowAll.resolve("DISABLED"), "");
        assertEquals(List.of(), AllowAllExtensionCheck.enabledIn(extensions));
    }

    @Test
    void otherExtensionsAndAMissingFolderAreNotReported() throws Exception {
        final Path other = Files.createDirectories(extensions.resolve("hivemq-file-rbac-extension"));
        Files.writeString(other.resolve("hivemq-extension.xml"), "<hivemq-extension><id>hivemq-file-rbac-extension</id>" +
                "</hivemq-extension>");
        assertEquals(List.of(), AllowAllExtensionCheck.enabledIn(extensions));
        assertEquals(List.of(), AllowAllExtensionCheck.enabledIn(extensions.resolve("missing")));
    }
}
