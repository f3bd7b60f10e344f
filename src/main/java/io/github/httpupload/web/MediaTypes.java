package io.github.httpupload.web;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Content-Type a stored file is served with. The uploader chooses it (v1 does not even sign
 * it), so only a well-formed RFC 9110 media type is kept; anything else, such as
 * {@code image/png, text/html} (browsers would render the last one), becomes
 * {@code application/octet-stream}, which is always offered as an attachment. A {@code charset}
 * the JVM does not know is dropped: containers log a warning with a stack trace on every download
 * of such a type, so one upload could flood the log.
 */
final class MediaTypes {

    static final String OCTET_STREAM = "application/octet-stream";

    private static final int MAX_LENGTH = 255;
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*\"";
    private static final String PARAMETER = "[ \\t]*;[ \\t]*(" + TOKEN + ")=(" + TOKEN + "|" + QUOTED + ")";
    private static final Pattern MEDIA_TYPE = Pattern.compile(TOKEN + "/" + TOKEN + "(?:" + PARAMETER + ")*");
    private static final Pattern ONE_PARAMETER = Pattern.compile(PARAMETER);

    private MediaTypes() {
    }

    /** {@code contentType} when it is one well-formed media type, else {@value #OCTET_STREAM}. */
    static String servable(String contentType) {
        if (contentType == null || contentType.length() > MAX_LENGTH || !MEDIA_TYPE.matcher(contentType).matches()) {
            return OCTET_STREAM;
        }
        return withoutUnknownCharset(contentType);
    }

    private static String withoutUnknownCharset(String contentType) {
        Matcher parameter = ONE_PARAMETER.matcher(contentType);
        int typeEnd = contentType.indexOf(';');
        if (typeEnd < 0) {
            return contentType;
        }
        StringBuilder kept = new StringBuilder(contentType.length()).append(contentType, 0, typeEnd);
        boolean dropped = false;
        for (int at = typeEnd; parameter.find(at); at = parameter.end()) {
            if (parameter.group(1).equalsIgnoreCase("charset") && !isSupported(parameter.group(2))) {
                dropped = true;
            } else {
                kept.append(parameter.group());
            }
        }
        return dropped ? kept.toString().stripTrailing() : contentType;
    }

    private static boolean isSupported(String charset) {
        String name = charset.startsWith("\"") ? charset.substring(1, charset.length() - 1) : charset;
        try {
            return Charset.isSupported(name);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }
}
