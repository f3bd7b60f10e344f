package io.github.httpupload.testsupport;

import java.nio.charset.StandardCharsets;

/** The ways real clients spell one slot path in a URL (docs/protocol.md#decoding). */
public enum UrlSpelling {
    /** Prosody: every byte but {@code A-Za-z0-9.~_-} escaped, lowercase hex; Conversations sends it unchanged. */
    PROSODY_LOWERCASE("", false),
    /** ejabberd up to 25.07 and most URL libraries: the same with uppercase hex. */
    UPPERCASE("", true),
    /** aiohttp/yarl re-encoding: uppercase hex, sub-delimiters and {@code : @} sent literally. */
    RESERVED_LITERAL("()&=;'!*$,:@+", true);

    private final String literal;
    private final boolean upperCase;

    UrlSpelling(String literal, boolean upperCase) {
        this.literal = literal;
        this.upperCase = upperCase;
    }

    /** The URL path for the decoded slot path {@code path} (slashes separate segments). */
    public String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '/' || c < 0x80 && (Character.isLetterOrDigit(c) || ".~_-".indexOf(c) >= 0 || literal.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                String hex = String.format("%%%02x", c);
                out.append(upperCase ? hex.toUpperCase() : hex);
            }
        }
        return out.toString();
    }
}
