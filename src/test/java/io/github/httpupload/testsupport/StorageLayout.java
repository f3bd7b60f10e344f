package io.github.httpupload.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the store keeps a slot path (README, Storage layout): {@code files/<2 hex>/<sha-256>} for
 * the file, {@code gone/<2 hex>/<sha-256>} for its tombstone. Computed here, independently of
 * FileStore, so that tests check the documented layout rather than the code against itself.
 */
public final class StorageLayout {

    private StorageLayout() {
    }

    /** The sha-256 of the slot path's UTF-8 bytes, 64 lowercase hex digits. */
    public static String hashOf(String slotPath) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(slotPath.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path storedFile(Path storage, String slotPath) {
        return sharded(storage.resolve("files"), slotPath);
    }

    public static Path tombstone(Path storage, String slotPath) {
        return sharded(storage.resolve("gone"), slotPath);
    }

    private static Path sharded(Path directory, String slotPath) {
        String hash = hashOf(slotPath);
        return directory.resolve(hash.substring(0, 2)).resolve(hash);
    }
}
