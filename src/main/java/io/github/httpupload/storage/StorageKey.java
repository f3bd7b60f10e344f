package io.github.httpupload.storage;

import io.github.httpupload.auth.SlotPath;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name a slot path is stored under, in every backend: the hex SHA-256 of its UTF-8 bytes. Request
 * text never becomes a file name or an object key, only its hash: as long for any path, and
 * distinct for distinct paths.
 */
public final class StorageKey {

    private static final MessageDigest SHA_256 = sha256();

    private StorageKey() {
    }

    public static String of(SlotPath path) {
        return of(path.value());
    }

    static String of(String slotPath) {
        return HexFormat.of().formatHex(digest().digest(slotPath.getBytes(StandardCharsets.UTF_8)));
    }

    /** A fresh SHA-256 digest: cloning the prototype skips the provider look-up of getInstance. */
    private static MessageDigest digest() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e); // checked when the prototype was made
        }
    }

    private static MessageDigest sha256() {
        try {
            MessageDigest prototype = MessageDigest.getInstance("SHA-256");
            prototype.clone();
            return prototype;
        } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
