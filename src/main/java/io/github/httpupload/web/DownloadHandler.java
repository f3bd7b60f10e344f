package io.github.httpupload.web;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.storage.Lookup;
import io.github.httpupload.storage.Storage;
import io.github.httpupload.storage.StoredObject;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * GET and HEAD of stored files: validators and caching, conditional requests, single byte ranges,
 * and the body sent by Tomcat's sendfile where the stored object lies in a local file, else
 * written by the storage. Only 200, 206 and 304 carry validators and a cache lifetime.
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

    private final Storage storage;
    private final Clock clock;
    private final FileHeaderValues headerValues = new FileHeaderValues();

    DownloadHandler(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /** Answers a GET or HEAD; returns the body bytes sent (or handed to sendfile), for the metrics. */
    long serve(HttpServletRequest request, HttpServletResponse response, boolean withBody) throws IOException {
        SlotPath path;
        try {
            path = RequestSlotPath.of(request);
        } catch (InvalidSlotPathException e) {
            if (e.malformed()) {
                Responses.error(request, response, HttpServletResponse.SC_BAD_REQUEST, "Invalid path: " + e.getMessage(), false);
            } else {
                Responses.error(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", false); // it cannot name a file
            }
            return 0;
        }
        Lookup lookup = storage.open(path);
        switch (lookup.status()) {
            case FOUND -> {
                return serve(request, response, lookup.file().orElseThrow(), withBody);
            }
            case GONE -> Responses.error(request, response, HttpServletResponse.SC_GONE, "Gone: the file was deleted", false);
            case ABSENT -> Responses.error(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", false);
        }
        return 0;
    }

    private long serve(HttpServletRequest request, HttpServletResponse response, StoredObject file, boolean withBody)
            throws IOException {
        long size = file.size();
        long lastModified = file.storedAt().toEpochMilli();
        FileHeaderValues.Values values = headerValues.of(file);
        String etag = values.etag();

        switch (Preconditions.evaluate(request, etag, lastModified)) {
            case NOT_MODIFIED -> {
                DownloadHeaders.applyValidators(response, etag, lastModified, file.deleteAt(), clock.instant());
                response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return 0;
            }
            case PRECONDITION_FAILED -> {
                Responses.error(request, response, HttpServletResponse.SC_PRECONDITION_FAILED, "Precondition failed", false);
                return 0;
            }
            case PROCEED -> {
            }
        }

        String disposition = values.contentDisposition();
        if (withBody && redirected(response, file, disposition)) {
            return 0;
        }
        // Range is defined for GET only (RFC 9110 §14.2); HEAD describes the whole file.
        ByteRange range = withBody && Preconditions.rangeAllowed(request, etag, lastModified)
                ? ByteRange.parse(request.getHeader("Range"), size) : null;
        if (range == ByteRange.UNSATISFIABLE) {
            response.setHeader("Content-Range", "bytes */" + size);
            Responses.error(request, response, HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE, "Range not satisfiable", false);
            return 0;
        }
        DownloadHeaders.applyValidators(response, etag, lastModified, file.deleteAt(), clock.instant());
        if (range == null) {
            range = new ByteRange(0, size);
            response.setStatus(HttpServletResponse.SC_OK);
        } else {
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setHeader("Content-Range", range.contentRange(size));
        }
        response.setContentType(file.contentType());
        response.setContentLengthLong(range.length());
        DownloadHeaders.applyContentHeaders(response, disposition);
        if (!withBody || range.length() == 0) {
            return 0;
        }
        if (!sendfile(request, response, file, range)) {
            file.writeTo(response.getOutputStream(), range.start(), range.end());
        }
        return range.length();
    }

    /**
     * Sends the client to the store itself when the storage offers that (presigned S3 downloads):
     * the store then answers the range, with the stored type and this service's disposition. Not
     * cached: the URL stops working when its signature expires.
     */
    private static boolean redirected(HttpServletResponse response, StoredObject file, String disposition) {
        Optional<URI> direct = file.directDownload(disposition);
        if (direct.isEmpty()) {
            return false;
        }
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", direct.get().toASCIIString());
        response.setHeader("Cache-Control", "no-store");
        return true;
    }

    /**
     * Asks Tomcat to send the bytes with sendfile(2) after this request returns: only for large
     * bodies of objects that lie in a local file, and only when neither request nor response is
     * wrapped (a wrapping filter would be bypassed). Returns false when the body must be written here.
     */
    private static boolean sendfile(HttpServletRequest request, HttpServletResponse response, StoredObject file,
                                    ByteRange range) {
        if (range.length() < SENDFILE_MIN_BYTES
                || !Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORTED))
                || request instanceof ServletRequestWrapper
                || response instanceof ServletResponseWrapper) {
            return false;
        }
        Optional<StoredObject.FileRegion> region = file.fileRegion();
        if (region.isEmpty()) {
            return false;
        }
        long start = region.get().offset() + range.start();
        long end = region.get().offset() + range.end();
        request.setAttribute(SENDFILE_FILENAME, region.get().absolutePath());
        request.setAttribute(SENDFILE_START, start);
        request.setAttribute(SENDFILE_END, end);
        LOG.log(Level.DEBUG, "sendfile {0} bytes {1}-{2}", file.slotPath(), Long.toString(start), Long.toString(end));
        return true;
    }
}
