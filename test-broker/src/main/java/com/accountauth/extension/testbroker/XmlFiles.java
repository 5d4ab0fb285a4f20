package com.accountauth.extension.testbroker;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The little XML editing the launcher does on config files: comments and layout are kept. */
final class XmlFiles {

    private XmlFiles() {
    }

    static Document read(final Path file) {
        try {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setNamespaceAware(false);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (final Exception e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(final Document document, final Path file) {
        try {
            final var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            final StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            Files.createDirectories(file.getParent());
            Files.writeString(file, out.toString());
        } catch (final Exception e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The element children of {@code parent} named {@code name}. */
    static List<Element> children(final Element parent, final String name) {
        final List<Element> found = new ArrayList<>();
        final NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element child && child.getTagName().equals(name)) {
                found.add(child);
            }
        }
        return found;
    }

    /** The one child named {@code name}, created (as the last child) if missing. */
    static Element child(final Element parent, final String name) {
        final List<Element> found = children(parent, name);
        if (!found.isEmpty()) {
            return found.get(0);
        }
        final Element created = parent.getOwnerDocument().createElement(name);
        parent.appendChild(created);
        return created;
    }

    /** Sets the text of the child {@code name} of {@code parent}, creating it if missing. */
    static void setText(final Element parent, final String name, final String text) {
        final Element element = child(parent, name);
        while (element.hasChildNodes()) {
            element.removeChild(element.getFirstChild());
        }
        element.appendChild(parent.getOwnerDocument().createTextNode(text));
    }

    /** Inserts a new element {@code name} with {@code text} right after {@code anchor} (on a line of its own). */
    static void insertAfter(final Element anchor, final String name, final String text, final String comment) {
        final Document document = anchor.getOwnerDocument();
        final Node parent = anchor.getParentNode();
        final Node next = anchor.getNextSibling();
        final String indent = indentOf(anchor);
        final Element element = document.createElement(name);
        element.appendChild(document.createTextNode(text));
        parent.insertBefore(document.createTextNode(indent), next);
        parent.insertBefore(document.createComment(comment), next);
        parent.insertBefore(document.createTextNode(indent), next);
        parent.insertBefore(element, next);
    }

    private static String indentOf(final Element element) {
        final Node before = element.getPreviousSibling();
        if (before != null && before.getNodeType() == Node.TEXT_NODE) {
            final String text = before.getTextContent();
            final int newline = text.lastIndexOf('\n');
            if (newline >= 0) {
                return text.substring(newline);
            }
        }
        return "\n";
    }
}
