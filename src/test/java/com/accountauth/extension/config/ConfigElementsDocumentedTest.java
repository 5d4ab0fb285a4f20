package com.accountauth.extension.config;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped conf/config.xml and docs/CONFIGURATION.md's table say what {@link ConfigElements} says: every number
 * and flag with its default, and no element of the shipped file left out of the table.
 */
class ConfigElementsDocumentedTest {

    private static final Path PROJECT = Path.of(System.getProperty("accountauth.basedir", "."));
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void theShippedConfigGivesEveryNumberAndFlagWithItsDefault() throws Exception {
        final Map<String, String> shipped = leafValues(shippedConfig());
        final String text = Files.readString(PROJECT.resolve("conf/config.xml"));
        for (final ConfigElements.Element element : ConfigElements.ALL) {
            final String value = shipped.get(element.path());
            if (value == null) {
                // a default that depends on the machine is shown as a commented-out example
                assertTrue(text.contains("<!-- <" + element.name() + ">"), "conf/config.xml has no <" +
                        element.path() + ">, not even as a commented-out example");
            } else {
                assertEquals(element.documentedDefault(), value, "conf/config.xml <" + element.path() + ">");
            }
        }
    }

    @Test
    void theTableGivesEveryNumberAndFlagWithItsDefault() throws Exception {
        final Map<String, String> documented = tableDefaults();
        for (final ConfigElements.Element element : ConfigElements.ALL) {
            assertTrue(documented.containsKey(element.path()),
                    "docs/CONFIGURATION.md has no row for " + element.path());
            assertEquals(element.documentedDefault(), documented.get(element.path()),
                    "docs/CONFIGURATION.md, the default of " + element.path());
        }
    }

    @Test
    void theTableGivesEveryChoiceWithItsDefaultAndItsWords() throws Exception {
        final Map<String, String> documented = tableDefaults();
        final String text = Files.readString(PROJECT.resolve("docs/CONFIGURATION.md"));
        for (final ConfigElements.ChoiceElement element : List.of(ConfigElements.CERTIFICATE_LOGIN_MODE,
                ConfigElements.CERTIFICATE_IDENTITY)) {
            assertEquals(element.defaultValue() == null ? "required" : element.defaultValue(),
                    documented.get(element.path()), "docs/CONFIGURATION.md, the default of " + element.path());
            for (final String word : element.choices()) {
                assertTrue(text.contains("`" + word + "`"), "docs/CONFIGURATION.md does not name " + word);
            }
        }
    }

    @Test
    void theTableNamesEveryElementOfTheShippedConfig() throws Exception {
        final List<String> names = new ArrayList<>(tableDefaults().keySet());
        assertFalse(names.isEmpty(), "no table rows found in docs/CONFIGURATION.md");
        for (final String path : leafValues(shippedConfig()).keySet()) {
            // a row may name a group: `queries/*`, or `permissions/device` for its <publish> and <subscribe>
            final boolean named = names.stream().anyMatch(name -> path.equals(name) || path.startsWith(name + "/") ||
                    (name.endsWith("/*") && path.startsWith(name.substring(0, name.length() - 1))));
            assertTrue(named, "docs/CONFIGURATION.md does not name <" + path + "> of conf/config.xml");
        }
    }

    /** The table's element paths, each with its default cell's value for it ("" when the row has none of its own). */
    private static Map<String, String> tableDefaults() throws Exception {
        final Map<String, String> defaults = new LinkedHashMap<>();
        for (final String line : Files.readAllLines(PROJECT.resolve("docs/CONFIGURATION.md"))) {
            if (!line.startsWith("| `")) {
                continue;
            }
            final String[] cells = line.split("\\|");
            final List<String> names = new ArrayList<>();
            final Matcher matcher = CODE.matcher(cells[1]);
            String section = "";
            while (matcher.find()) {
                final String name = matcher.group(1);
                // `a/b/c`, `d`: d is in a/b like c
                if (name.contains("/")) {
                    section = name.substring(0, name.lastIndexOf('/'));
                    names.add(name);
                } else {
                    names.add(section + "/" + name);
                }
            }
            final String[] values = cells[2].trim().split(",\\s*");
            for (int i = 0; i < names.size(); i++) {
                defaults.put(names.get(i), values.length == names.size() ? values[i] : values[0]);
            }
        }
        return defaults;
    }

    private static Document shippedConfig() throws Exception {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(PROJECT.resolve("conf/config.xml").toFile());
    }

    /** path ("database/pool-size") -> text of every element without child elements. */
    private static Map<String, String> leafValues(final Document document) {
        final Map<String, String> values = new LinkedHashMap<>();
        collect(document.getDocumentElement(), "", values);
        return values;
    }

    private static void collect(final Element element, final String path, final Map<String, String> values) {
        boolean leaf = true;
        final NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            final Node child = children.item(i);
            if (child instanceof Element e) {
                leaf = false;
                collect(e, path.isEmpty() ? e.getTagName() : path + "/" + e.getTagName(), values);
            }
        }
        if (leaf && !path.isEmpty()) {
            values.putIfAbsent(path, element.getTextContent().trim());
        }
    }
}
