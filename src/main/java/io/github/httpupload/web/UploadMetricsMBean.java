package io.github.httpupload.web;

/**
 * The counters of one webapp of the upload service, as JMX attributes of the MBean
 * {@code io.github.httpupload:type=UploadMetrics,host=<virtual server name>,context=<context path>}
 * ({@code context="/"} for the root context; a value with characters special to JMX is quoted).
 * Registered in the platform MBeanServer while the webapp runs, by {@link UploadConfigListener};
 * a new deployment or a reload starts again from zero. Counters only grow; the other attributes
 * say so. Statuses not listed here are not counted: 400 (malformed path, Content-Range, Bearer
 * token for another slot), 405, 500 or 503 of an upload (see {@link #getStorageErrors()}),
 * OPTIONS, HEAD and DELETE requests.
 */
public interface UploadMetricsMBean {

    /** PUTs answered 201: the file is stored. */
    long getUploadsStored();

    /** PUTs refused 401: a Bearer token that is invalid, or missing where Bearer is the only protocol. */
    long getUploadsRefused401();

    /** PUTs refused 403: an upload token missing or invalid, or a PUT that did not pass through the filter. */
    long getUploadsRefused403();

    /** PUTs refused 409: a file is already stored at that address. */
    long getUploadsRefused409();

    /** PUTs refused 410: the file at that address was deleted or expired (tombstone), or the Bearer token expired. */
    long getUploadsRefused410();

    /** PUTs refused 411: no Content-Length. */
    long getUploadsRefused411();

    /** PUTs refused 413: larger than maxFileSize or than the store takes, or not the size a Bearer token signed. */
    long getUploadsRefused413();

    /** PUTs refused 507: the upload would break maxStorageSize or minFreeSpace, or the disk filled up. */
    long getUploadsRefused507();

    /** PUTs whose body ended or failed before its Content-Length (the client closed or broke the connection). */
    long getUploadsAborted();

    /** PUTs ended with 408 because the body arrived too slowly (httpupload.uploadIdleTimeout). */
    long getUploadsTimedOut();

    /** The Content-Length of every stored upload (201), added up: bytes of refused or aborted bodies are not counted. */
    long getBytesReceived();

    /** GETs answered 2xx: 200 or 206. */
    long getDownloads2xx();

    /** GETs answered 3xx: 304, or 302 to a presigned S3 URL. */
    long getDownloads3xx();

    /** GETs answered 4xx: 404, 410, 412, 416, or 400 for a malformed path. */
    long getDownloads4xx();

    /** GETs answered 5xx, e.g. 503 when the storage is unavailable. */
    long getDownloads5xx();

    /**
     * The body bytes of GETs answered 200 or 206 (the range's length for a 206), counted when the
     * body was written whole or handed to Tomcat's sendfile; a download the client broke off is not.
     */
    long getBytesSent();

    /**
     * Files stored now. Local directory: counted at start, then kept by this instance's own uploads
     * and deletions (another instance sharing the directory is seen at the next start). S3: as of
     * the last sweep's listing; -1 until it ended.
     */
    long getFilesStored();

    /**
     * Bytes stored now. Local directory: as the storage quota counts them, so each file's 4 KiB
     * header page included, kept like {@link #getFilesStored()}. S3: the objects' sizes in the last sweep's
     * listing; -1 until it ended.
     */
    long getBytesStored();

    /** Sweeps that ended normally (the one at start included). */
    long getSweepsRun();

    /** Files past their deletion time that sweeps deleted (files expired and never swept are not counted). */
    long getFilesExpired();

    /** How long the last sweep took, in milliseconds, whether it ended normally or failed; -1 before the first ended. */
    long getLastSweepMillis();

    /** Sweeps that failed (logged as a warning; the next one runs at the next interval). */
    long getSweepErrors();

    /** Requests answered 500 or 503 because the storage failed (an upload, a download or a deletion). */
    long getStorageErrors();
}
