package io.github.httpupload.web;

import io.github.httpupload.auth.VerifiedDeletion;
import io.github.httpupload.auth.VerifiedUpload;
import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.storage.AlreadyStoredException;
import io.github.httpupload.storage.FileDeletedException;
import io.github.httpupload.storage.FileTooLargeException;
import io.github.httpupload.storage.IncompleteUploadException;
import io.github.httpupload.storage.NewFile;
import io.github.httpupload.storage.Storage;
import io.github.httpupload.storage.StorageFullException;
import io.github.httpupload.storage.StorageUnavailableException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Collections;
import java.util.Set;

/**
 * Stores PUT bodies that {@link HmacAuthFilter} verified, serves them back with GET and HEAD, and
 * deletes them on a verified DELETE (Metronome) when {@code httpupload.deleteSecret} is set. A PUT
 * or DELETE that did not pass through the filter is refused: forgetting the mapping fails closed.
 * The storage is the one {@link UploadConfigListener} opened for the webapp: a servlet never opens
 * one of its own (two quotas, two caches and two sweepers on one directory), so storage parameters
 * are context parameters only, and without the listener the servlet answers every request with 503.
 */
public class UploadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(UploadServlet.class.getName());
    static final String ALLOW = "GET, HEAD, PUT, OPTIONS";
    private static final String ALLOW_WITH_DELETE = ALLOW + ", DELETE";

    /** Read by the listener from the context: as a servlet's init-param they would mean a second store. */
    private static final Set<String> STORAGE_PARAMETERS = Set.of(Parameters.STORAGE_DIR, Parameters.FSYNC,
            Parameters.MAX_STORAGE_SIZE, Parameters.MIN_FREE_SPACE, Parameters.EXPIRE_AFTER,
            Parameters.TOMBSTONE_RETENTION, Parameters.SWEEP_INTERVAL, Parameters.STORAGE, Parameters.S3_BUCKET,
            Parameters.S3_ENDPOINT, Parameters.S3_REGION, Parameters.S3_PREFIX, Parameters.S3_PATH_STYLE,
            Parameters.S3_ACCESS_KEY_ID, Parameters.S3_SECRET_ACCESS_KEY, Parameters.S3_SECRET_ACCESS_KEY_FILE,
            Parameters.S3_PRESIGNED_DOWNLOADS, Parameters.S3_PRESIGNED_LIFETIME);

    /** When a client may try again after the storage failed (an object store restarting, throttling). */
    private static final String RETRY_AFTER_SECONDS = "10";

    private transient Storage storage;
    private transient int uploadIdleTimeout;
    private transient DownloadHandler downloads;
    private transient boolean deleteEnabled;
    private transient String allow;
    private transient UploadMetrics metrics;

    @Override
    public void init() throws ServletException {
        try {
            for (String name : Collections.list(getInitParameterNames())) {
                if (STORAGE_PARAMETERS.contains(name)) {
                    throw new ConfigException("Invalid init-param [" + name + "] of servlet " + getServletName()
                            + ": storage parameters are context parameters, read once by " + UploadConfigListener.class.getName()
                            + " (a servlet's own would open a second store over the same files); move it to the context");
                }
            }
            ParameterSource parameters = ServletParameters.of(getServletConfig());
            UploadServletSettings settings = UploadServletSettings.from(parameters);
            storage = UploadConfigListener.storageOf(getServletContext()).orElse(null);
            if (storage == null) {
                String message = getServletName() + " has no storage: register the listener " + UploadConfigListener.class.getName()
                        + " in web.xml (<listener><listener-class>" + UploadConfigListener.class.getName()
                        + "</listener-class></listener>); it opens the storage once for the whole webapp";
                // Not UnavailableException: containers answer a permanently unavailable servlet with
                // their HTML 404 page, which a chat client reports as "file not found".
                LOG.log(Level.ERROR, message);
                return;
            }
            LOG.log(Level.INFO, "http-upload-servlet UploadServlet [{0}]: {1}", getServletName(), settings);
            uploadIdleTimeout = settings.uploadIdleTimeout();
            downloads = new DownloadHandler(storage, Clock.systemUTC());
            // The listener that opened the storage made the metrics too; counting into a detached
            // instance spares a null check on every request should a container not share it.
            metrics = UploadConfigListener.metricsOf(getServletContext()).orElseGet(() -> new UploadMetrics(storage));
            deleteEnabled = settings.deleteEnabled();
            allow = deleteEnabled ? ALLOW_WITH_DELETE : ALLOW;
        } catch (ConfigException e) {
            LOG.log(Level.ERROR, e.getMessage());
            throw new ServletException(e.getMessage(), e);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (storage == null) { // no listener: logged at start; every request gets a plain 503
            Responses.error(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "Service unavailable: the upload service is not set up (see the server log)", true);
            return;
        }
        boolean get = "GET".equals(request.getMethod());
        long sent = 0;
        try {
            switch (request.getMethod()) {
                case "GET" -> sent = downloads.serve(request, response, true);
                case "HEAD" -> downloads.serve(request, response, false);
                case "PUT" -> upload(request, response);
                case "DELETE" -> delete(request, response);
                case "OPTIONS" -> {
                    response.setHeader("Allow", allow);
                    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                }
                default -> {
                    response.setHeader("Allow", allow);
                    Responses.error(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed", true);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (response.isCommitted()) {
                // Headers are out, the body is short: let the container abort the connection, so no
                // client takes a truncated body for a whole one.
                LOG.log(Level.DEBUG, "Response to {0} {1} ended early: {2}", request.getMethod(), request.getRequestURI(), e);
                throw e;
            } else if (e instanceof StorageUnavailableException) {
                metrics.storageError();
                LOG.log(Level.WARNING, "Answered {0} {1} with 503: {2}", request.getMethod(), request.getRequestURI(), e.getMessage());
                response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
                Responses.error(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        "The storage is unavailable; try again later", true);
            } else {
                if (e instanceof IOException) { // a RuntimeException is a bug of ours, not the storage's
                    metrics.storageError();
                }
                LOG.log(Level.ERROR, "Failed to answer " + request.getMethod() + " " + request.getRequestURI(), e);
                Responses.error(request, response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "Internal error", true);
            }
        } finally {
            if (get) { // after the catch, so that its 500 or 503 is what is counted
                metrics.downloadAnswered(response.getStatus(), sent);
            }
        }
    }

    private void upload(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!(request.getAttribute(VerifiedUpload.ATTRIBUTE) instanceof VerifiedUpload upload)) {
            metrics.uploadRefused(HttpServletResponse.SC_FORBIDDEN);
            refuseUnverified(request, response, "Upload not authorized");
            return;
        }
        try (InputStream body = new SlowUploadGuard(request.getInputStream(), uploadIdleTimeout)) {
            storage.store(new NewFile(upload.path(), upload.contentLength(), MediaTypes.servable(upload.contentType()),
                    upload.uploader(), upload.expiresAt()), body);
        } catch (AlreadyStoredException e) {
            metrics.uploadRefused(HttpServletResponse.SC_CONFLICT);
            Responses.error(request, response, HttpServletResponse.SC_CONFLICT, "A file is already stored at this address", true);
            return;
        } catch (FileDeletedException e) {
            metrics.uploadRefused(HttpServletResponse.SC_GONE);
            Responses.error(request, response, HttpServletResponse.SC_GONE, "The file at this address was deleted", true);
            return;
        } catch (FileTooLargeException e) {
            metrics.uploadRefused(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            Responses.error(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "File too large: " + e.getMessage(), true);
            return;
        } catch (StorageFullException e) {
            metrics.uploadRefused(507);
            LOG.log(Level.WARNING, "Refused an upload of {0} bytes to {1}: {2}", upload.contentLength(), upload.path(), e.getMessage());
            Responses.error(request, response, 507, "Insufficient storage", true);
            return;
        } catch (IncompleteUploadException e) {
            if (e.getCause() instanceof SlowUploadGuard.UploadTooSlowException slow) {
                metrics.uploadTimedOut();
                LOG.log(Level.WARNING, "Ended a too slow upload to {0}: {1}", upload.path(), slow.getMessage());
                Responses.error(request, response, HttpServletResponse.SC_REQUEST_TIMEOUT, "Upload too slow: " + slow.getMessage(), true);
            } else {
                metrics.uploadAborted();
                LOG.log(Level.DEBUG, "Upload to {0} failed: {1}", upload.path(), e.getMessage());
                Responses.error(request, response, HttpServletResponse.SC_BAD_REQUEST, "Upload incomplete: " + e.getMessage(), true);
            }
            return;
        }
        metrics.uploadStored(upload.contentLength());
        response.setStatus(HttpServletResponse.SC_CREATED);
        response.setContentLength(0);
    }

    private void delete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!deleteEnabled) {
            response.setHeader("Allow", allow);
            Responses.error(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed", true);
            return;
        }
        if (!(request.getAttribute(VerifiedDeletion.ATTRIBUTE) instanceof VerifiedDeletion deletion)) {
            refuseUnverified(request, response, "Deletion not authorized");
            return;
        }
        if (storage.delete(deletion.path())) {
            LOG.log(Level.INFO, "Deleted {0} at the XMPP server''s request", deletion.path());
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else {
            Responses.error(request, response, HttpServletResponse.SC_NOT_FOUND, "Not found", true);
        }
    }

    /** A PUT or DELETE without the filter's attribute: the filter is not mapped in front (fail closed). */
    private static void refuseUnverified(HttpServletRequest request, HttpServletResponse response, String message)
            throws IOException {
        LOG.log(Level.WARNING, "Refused {0} {1}: it did not pass through HmacAuthFilter; check the filter mapping",
                request.getMethod(), request.getRequestURI());
        Responses.error(request, response, HttpServletResponse.SC_FORBIDDEN, message, true);
    }
}
