package com.accountauth.extension.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** The built extension ZIP (bench/*.sh pass it as -Daccountauth.zip) with another conf/config.xml in it. */
final class ExtensionZip {

    private ExtensionZip() {
    }

    /** Writes the ZIP to {@code target} with {@code config} as its config.xml; returns {@code target}. */
    static Path withConfig(final String config, final Path target) throws IOException {
        final Path zip = Path.of(System.getProperty("accountauth.zip", ""));
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("extension ZIP not found (" + zip + "): run this through its bench/*.sh");
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().endsWith("account-auth/conf/config.xml")) {
                    out.write(config.getBytes(StandardCharsets.UTF_8));
                } else {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return target;
    }
}
