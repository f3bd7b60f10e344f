package io.github.httpupload.auth;

import java.util.List;
import java.util.Locale;

/**
 * The upload authorization protocols, by the name accepted in {@code httpupload.protocols}. The
 * query-string tokens come in the order of preference used when a request carries several:
 * {@code v2} beats {@code token} beats {@code v}; their name is also their query parameter.
 * {@code bearer} is Prosody's JWT in the {@code Authorization} header (docs/protocol.md#bearer-tokens).
 */
public enum TokenProtocol {
    V2("v2"),
    TOKEN("token"),
    V("v"),
    BEARER("bearer");

    /** The query-string protocols, strongest first. */
    public static final List<TokenProtocol> QUERY_STRING = List.of(V2, TOKEN, V);

    private final String parameter;

    TokenProtocol(String parameter) {
        this.parameter = parameter;
    }

    /** The query parameter that carries this protocol's token (for {@link #BEARER}, only its name). */
    public String parameter() {
        return parameter;
    }

    /** Whether the token travels in the query string (every protocol but {@link #BEARER}). */
    public boolean inQueryString() {
        return this != BEARER;
    }

    /** Whether the signed message includes the content type (v2 and token do, v1 does not). */
    public boolean signsContentType() {
        return this == V2 || this == TOKEN;
    }

    public static TokenProtocol byName(String name) {
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
