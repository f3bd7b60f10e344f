package io.github.httpupload.storage.s3;

import io.github.httpupload.storage.NewFile;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the local backend keeps in a file's header, as S3 user metadata ({@code x-amz-meta-*}):
 * slot path, content type, store time, the file's own expiry and the uploader. Header values are
 * ASCII, so text is percent-encoded (UTF-8).
 */
record S3Metadata(String slotPath, String contentType, Instant storedAt, Optional<Instant> expiresAt,
                  Optional<String> uploader) {

    private static final String SLOT_PATH = "slot-path";
    private static final String TYPE = "type";
    private static final String STORED_AT = "stored-at";
    private static final String EXPIRES_AT = "expires-at";
    private static final String UPLOADER = "uploader";

    static S3Metadata of(NewFile file, Instant storedAt) {
        return new S3Metadata(file.path().value(), file.contentType(), storedAt, Optional.ofNullable(file.expiresAt()),
                Optional.ofNullable(file.uploader()));
    }

    Map<String, String> encode() {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(SLOT_PATH, text(slotPath));
        metadata.put(TYPE, text(contentType));
        metadata.put(STORED_AT, Long.toString(storedAt.toEpochMilli()));
        expiresAt.ifPresent(at -> metadata.put(EXPIRES_AT, Long.toString(at.toEpochMilli())));
        uploader.ifPresent(jid -> metadata.put(UPLOADER, text(jid)));
        return metadata;
    }

    /** The metadata of an object this service stored; empty for any other object. */
    static Optional<S3Metadata> decode(Map<String, String> metadata) {
        String slotPath = metadata.get(SLOT_PATH);
        String type = metadata.get(TYPE);
        String storedAt = metadata.get(STORED_AT);
        if (slotPath == null || type == null || storedAt == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new S3Metadata(untext(slotPath), untext(type), Instant.ofEpochMilli(Long.parseLong(storedAt)),
                    Optional.ofNullable(metadata.get(EXPIRES_AT)).map(at -> Instant.ofEpochMilli(Long.parseLong(at))),
                    Optional.ofNullable(metadata.get(UPLOADER)).map(S3Metadata::untext)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String text(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String untext(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
