package io.github.httpupload.web;

import java.util.regex.Pattern;

/**
 * Which Content-Type a stored file is served with. The uploader chooses it (v1 does not even sign
 * it), so only a well-formed RFC 9110 media type is kept; anything else, such as
 * {@code image/png, text/html} (browsers would render the last one), becomes
 * {@code application/octet-stream}, which is always offered as an attachment.
 */
final class MediaTypes {

    static final String OCTET_STREAM = "application/octet-stream";

    private static final int MAX_LENGTH = 255;
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*\"";
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            TOKEN + "/" + TOKEN + "(?:[ \\t]*;[ \\t]*" + TOKEN + "=(?:" + TOKEN + "|" + QUOTED + "))*");

    private MediaTypes() {
    }

    /** {@code contentType} when it is one well-formed media type, else {@value #OCTET_STREAM}. */
    static String servable(String contentType) {
        if (contentType == null || contentType.length() > MAX_LENGTH || !MEDIA_TYPE.matcher(contentType).matches()) {
            return OCTET_STREAM;
        }
        return contentType;
    }
}
