package io.github.httpupload.web;

import java.util.HashMap;
import java.util.Map;

/**
 * The token parameters of a raw query string. Read from {@code getQueryString()} rather than
 * {@code getParameter()}, which may make a container parse the upload body as a form. A parameter
 * given twice is ambiguous and counts as malformed.
 */
final class QueryTokens {

    private static final String AMBIGUOUS = "";

    private final Map<String, String> values;

    private QueryTokens(Map<String, String> values) {
        this.values = values;
    }

    static QueryTokens parse(String query) {
        Map<String, String> values = new HashMap<>(4);
        if (query != null) {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                values.merge(name, value, (first, second) -> AMBIGUOUS);
            }
        }
        return new QueryTokens(values);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The raw value; empty when the parameter had no value or was repeated (both fail verification). */
    String get(String name) {
        return values.get(name);
    }
}
