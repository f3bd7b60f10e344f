package io.github.httpupload.storage;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The metadata at the start of every stored file: magic, version, store time, expiry, slot path,
 * content type and uploader, zero-padded to a multiple of 4096 bytes; the uploaded bytes follow. Keeping
 * metadata and content in one file is what makes publishing atomic: one hard link makes both
 * visible at once, or neither. Starting the content on a page boundary lets sendfile(2) and
 * reads move whole pages (unaligned, every page of a download straddles two).
 *
 * <pre>
 * "HUPL" 0x02 | storedAt (int64 ms) | expiresAt (int64 ms, or -1 for none) | path length (int32) | path (UTF-8)
 *            | type length (int32) | type (UTF-8) | uploader length (int32) | uploader (UTF-8, empty for none) | zeros
 * </pre>
 * Version 0x01 (before expiry) lacks expiresAt and uploader; it is still read.
 *
 * @param expiresAt when the file is to be deleted, or {@code null}
 * @param uploader  who uploaded it (a bare JID), or {@code null}
 * @param length    where the content starts: the header's size, padding included
 */
record FileHeader(String slotPath, String contentType, Instant storedAt, Instant expiresAt, String uploader, int length) {

    static final int ALIGNMENT = 4096;
    private static final byte[] MAGIC = {'H', 'U', 'P', 'L'};
    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;
    private static final long NONE = -1;
    private static final int MAX_FIELD = 64 * 1024;

    static byte[] encode(NewFile file, Instant storedAt) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(ALIGNMENT);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.write(VERSION);
            out.writeLong(storedAt.toEpochMilli());
            out.writeLong(file.expiresAt() == null ? NONE : file.expiresAt().toEpochMilli());
            writeField(out, file.path().value());
            writeField(out, file.contentType());
            writeField(out, file.uploader() == null ? "" : file.uploader());
            out.write(new byte[aligned(bytes.size()) - bytes.size()]);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // a field over MAX_FIELD
        }
    }

    /**
     * Parses the header at the start of {@code buffer}, which holds the file's first bytes (a
     * longer header is read from {@code channel}). On return {@code buffer} is positioned at the
     * content, so what it already holds of the content need not be read again.
     */
    static FileHeader read(FileChannel channel, ByteBuffer buffer) throws IOException {
        try {
            byte[] magic = new byte[MAGIC.length];
            buffer.get(magic);
            byte version = buffer.get();
            if (!Arrays.equals(magic, MAGIC) || (version != VERSION && version != VERSION_1)) {
                throw new NotStoredFileException("not a stored file (bad header)");
            }
            Instant storedAt = Instant.ofEpochMilli(buffer.getLong());
            long expiresAt = version == VERSION_1 ? NONE : buffer.getLong();
            int pathLength = fieldLength(buffer.getInt());
            buffer = ensure(channel, buffer, pathLength + Integer.BYTES);
            String path = utf8(buffer, pathLength);
            int typeLength = fieldLength(buffer.getInt());
            buffer = ensure(channel, buffer, typeLength + (version == VERSION_1 ? 0 : Integer.BYTES));
            String type = utf8(buffer, typeLength);
            String uploader = "";
            if (version != VERSION_1) {
                int uploaderLength = fieldLength(buffer.getInt());
                buffer = ensure(channel, buffer, uploaderLength);
                uploader = utf8(buffer, uploaderLength);
            }
            int length = aligned(buffer.position());
            buffer.position(Math.min(length, buffer.limit()));
            return new FileHeader(path, type, storedAt, expiresAt == NONE ? null : Instant.ofEpochMilli(expiresAt),
                    uploader.isEmpty() ? null : uploader, length);
        } catch (BufferUnderflowException e) {
            throw new NotStoredFileException("not a stored file (truncated header)", e);
        }
    }

    /** The file does not start with a header of ours: it was not stored by this service. */
    static final class NotStoredFileException extends IOException {

        private static final long serialVersionUID = 1L;

        NotStoredFileException(String message) {
            super(message);
        }

        NotStoredFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static int aligned(int length) {
        return (length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Returns a buffer positioned like {@code buffer} with at least {@code needed} bytes remaining. */
    private static ByteBuffer ensure(FileChannel channel, ByteBuffer buffer, int needed) throws IOException {
        if (buffer.remaining() >= needed) {
            return buffer;
        }
        int position = buffer.position();
        ByteBuffer larger = readAt(channel, position + needed);
        if (larger.limit() < position + needed) {
            throw new NotStoredFileException("not a stored file (truncated header)");
        }
        return larger.position(position);
    }

    private static void writeField(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(fieldLength(bytes.length));
        out.write(bytes);
    }

    private static int fieldLength(int length) throws IOException {
        if (length < 0 || length > MAX_FIELD) {
            throw new NotStoredFileException("not a stored file (field length " + length + ")");
        }
        return length;
    }

    private static String utf8(ByteBuffer buffer, int length) {
        String value = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return value;
    }

    /** The first {@code length} bytes of the file (fewer if it is shorter), positioned at 0. */
    static ByteBuffer readAt(FileChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // positional reads: the channel's own position is left alone
        }
        return buffer.flip();
    }
}
