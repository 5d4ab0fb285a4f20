package com.accountauth.extension.config;

/**
 * A JDBC URL as it may appear in a log line: without user info ({@code user:secret@}) and without properties
 * ({@code ?password=...}, {@code ;password=...}), since operators do put credentials there. What is left (driver,
 * hosts, database) is enough to tell which DB is meant.
 */
public final class LoggableJdbcUrl {

    private LoggableJdbcUrl() {
    }

    /** The URL cut down to driver, hosts and database; {@code <none>} for null. */
    public static String of(final String url) {
        if (url == null) {
            return "<none>";
        }
        String shown = url;
        final int properties = firstOf(shown, '?', ';', '&');
        final boolean cut = properties >= 0;
        if (cut) {
            shown = shown.substring(0, properties);
        }
        final int authority = shown.indexOf("//");
        if (authority >= 0) {
            final int at = shown.lastIndexOf('@');
            if (at > authority) {
                shown = shown.substring(0, authority + 2) + "<user>@" + shown.substring(at + 1);
            }
        }
        if (shown.indexOf('=') >= 0) {
            // a key=value host form such as MySQL's (host=h,password=p): keep only the driver's prefix
            final int start = authority >= 0 ? authority + 2 : shown.indexOf(':', "jdbc:".length()) + 1;
            shown = shown.substring(0, Math.max(start, 0)) + "<address with properties>";
        }
        return cut ? shown + "?<properties not logged>" : shown;
    }

    private static int firstOf(final String text, final char... characters) {
        int first = -1;
        for (final char c : characters) {
            final int at = text.indexOf(c);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }
}
