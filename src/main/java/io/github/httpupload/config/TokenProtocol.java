package io.github.httpupload.config;

import java.util.Locale;

/**
 * The query-string token protocols, in the order of preference used when a request carries several
 * tokens: {@code v2} beats {@code token} beats {@code v}. The name is both the query parameter and
 * the value accepted in {@code httpupload.protocols}.
 */
public enum TokenProtocol {
    V2("v2"),
    TOKEN("token"),
    V("v");

    private final String parameter;

    TokenProtocol(String parameter) {
        this.parameter = parameter;
    }

    /** The query parameter that carries this protocol's token. */
    public String parameter() {
        return parameter;
    }

    /** Whether the signed message includes the content type (v2 and token do, v1 does not). */
    public boolean signsContentType() {
        return this != V;
    }

    static TokenProtocol byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (TokenProtocol protocol : values()) {
            if (protocol.parameter.equals(wanted)) {
                return protocol;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return parameter;
    }
}
