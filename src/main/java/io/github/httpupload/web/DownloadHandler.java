package io.github.httpupload.web;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.storage.FileStore;
import io.github.httpupload.storage.StoredFile;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * GET and HEAD of stored files (PROTOCOL.md §7): validators and caching, conditional requests,
 * single byte ranges, and the body sent by Tomcat's sendfile where it can, else copied through a
 * pooled buffer.
 */
final class DownloadHandler {

    private static final System.Logger LOG = System.getLogger(DownloadHandler.class.getName());

    /** Tomcat's sendfile request attributes (its {@code Globals}); any other container lacks the first. */
    static final String SENDFILE_SUPPORTED = "org.apache.tomcat.sendfile.support";
    static final String SENDFILE_FILENAME = "org.apache.tomcat.sendfile.filename";
    static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
    static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";
    /** Below this, handing the file to the poller costs more than copying it (Tomcat's own default). */
    static final long SENDFILE_MIN_BYTES = 48 * 1024;

    private static final int BUFFER_SIZE = 64 * 1024;

    private final FileStore store;
    /** Copy buffers are reused: no request allocates a large buffer of its own. */
    private final BlockingQueue<byte[]> buffers = new ArrayBlockingQueue<>(64);

    DownloadHandler(FileStore store) {
        this.store = store;
    }

    void serve(HttpServletRequest request, HttpServletResponse response, boolean withBody) throws IOException {
        String slotPath;
        try {
            slotPath = RequestSlotPath.of(request).value();
        } catch (InvalidSlotPathException e) {
            Responses.error(response, HttpServletResponse.SC_NOT_FOUND, "Not found", false); // it cannot name a file
            return;
        }
        Optional<StoredFile> found = store.open(slotPath);
        if (found.isEmpty()) {
            if (store.wasDeleted(slotPath)) {
                Responses.error(response, HttpServletResponse.SC_GONE, "Gone: the file was deleted", false);
            } else {
                Responses.error(response, HttpServletResponse.SC_NOT_FOUND, "Not found", false);
            }
            return;
        }
        try (StoredFile file = found.get()) {
            serve(request, response, file, withBody);
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, StoredFile file, boolean withBody)
            throws IOException {
        long size = file.size();
        long lastModified = file.storedAt().toEpochMilli();
        String etag = DownloadHeaders.etag(file);
        DownloadHeaders.applyValidators(response, etag, lastModified, file.deleteAt());

        switch (Preconditions.evaluate(request, etag, lastModified)) {
            case NOT_MODIFIED -> {
                response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return;
            }
            case PRECONDITION_FAILED -> {
                Responses.error(response, HttpServletResponse.SC_PRECONDITION_FAILED, "Precondition failed", false);
                return;
            }
            case PROCEED -> {
            }
        }

        // Range is defined for GET only (RFC 9110 §14.2); HEAD describes the whole file.
        ByteRange range = withBody && Preconditions.rangeAllowed(request, etag, lastModified)
                ? ByteRange.parse(request.getHeader("Range"), size) : null;
        if (range == ByteRange.UNSATISFIABLE) {
            response.setHeader("Content-Range", "bytes */" + size);
            Responses.error(response, HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE, "Range not satisfiable", false);
            return;
        }
        if (range == null) {
            range = new ByteRange(0, size);
            response.setStatus(HttpServletResponse.SC_OK);
        } else {
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setHeader("Content-Range", range.contentRange(size));
        }
        response.setContentType(file.contentType());
        response.setContentLengthLong(range.length());
        DownloadHeaders.applyContentHeaders(response, file);
        if (!withBody || range.length() == 0) {
            return;
        }
        if (!fromMemory(file, range, response) && !sendfile(request, response, file, range)) {
            copy(file, range.start(), range.end(), response.getOutputStream());
        }
    }

    /**
     * Asks Tomcat to send the bytes with sendfile(2) after this request returns: only for large
     * bodies, and only when neither request nor response is wrapped (a wrapping filter would be
     * bypassed). Returns false when the body must be written here.
     */
    private static boolean sendfile(HttpServletRequest request, HttpServletResponse response, StoredFile file,
                                    ByteRange range) {
        if (range.length() < SENDFILE_MIN_BYTES
                || !Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORTED))
                || request instanceof ServletRequestWrapper
                || response instanceof ServletResponseWrapper) {
            return false;
        }
        long start = file.contentOffset() + range.start();
        long end = file.contentOffset() + range.end();
        request.setAttribute(SENDFILE_FILENAME, file.path().toAbsolutePath().toString());
        request.setAttribute(SENDFILE_START, start);
        request.setAttribute(SENDFILE_END, end);
        LOG.log(Level.DEBUG, "sendfile {0} bytes {1}-{2}", file.slotPath(), Long.toString(start), Long.toString(end));
        return true;
    }

    /** Small files (and early ranges of others) were read with the header: no second read. */
    private static boolean fromMemory(StoredFile file, ByteRange range, HttpServletResponse response) throws IOException {
        ByteBuffer prefetched = file.prefetched();
        if (range.end() > prefetched.limit()) {
            return false;
        }
        response.getOutputStream().write(prefetched.array(), prefetched.arrayOffset() + (int) range.start(), (int) range.length());
        return true;
    }

    private void copy(StoredFile file, long start, long end, OutputStream out) throws IOException {
        byte[] buffer = buffers.poll();
        if (buffer == null) {
            buffer = new byte[BUFFER_SIZE];
        }
        try {
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            for (long position = start; position < end; ) {
                wrapped.clear().limit((int) Math.min(buffer.length, end - position));
                int read = file.read(wrapped, position);
                if (read < 0) {
                    throw new EOFException("stored file ended early: " + file.slotPath());
                }
                out.write(buffer, 0, read);
                position += read;
            }
        } finally {
            buffers.offer(buffer);
        }
    }
}
