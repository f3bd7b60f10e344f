package io.github.httpupload.web;

import io.github.httpupload.storage.Storage;
import io.github.httpupload.storage.Sweeper;

import javax.management.MBeanRegistration;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of {@link UploadMetricsMBean}, one instance per webapp, made by
 * {@link UploadConfigListener} and shared as the context attribute {@link #ATTRIBUTE}. Counting
 * is a {@link LongAdder} increment: no lock and no allocation per request. Also the sweeper's
 * {@link Sweeper.Observer}, so that the storage package stays free of web classes.
 */
public final class UploadMetrics implements UploadMetricsMBean, Sweeper.Observer, MBeanRegistration {

    /** The servlet-context attribute that holds the webapp's metrics. */
    public static final String ATTRIBUTE = UploadMetrics.class.getName();
    static final String DOMAIN = "io.github.httpupload";

    private final Storage storage;
    private final LongAdder stored = new LongAdder();
    private final LongAdder refused401 = new LongAdder();
    private final LongAdder refused403 = new LongAdder();
    private final LongAdder refused409 = new LongAdder();
    private final LongAdder refused410 = new LongAdder();
    private final LongAdder refused411 = new LongAdder();
    private final LongAdder refused413 = new LongAdder();
    private final LongAdder refused507 = new LongAdder();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder downloads2xx = new LongAdder();
    private final LongAdder downloads3xx = new LongAdder();
    private final LongAdder downloads4xx = new LongAdder();
    private final LongAdder downloads5xx = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder sweepsRun = new LongAdder();
    private final LongAdder filesExpired = new LongAdder();
    private final LongAdder sweepErrors = new LongAdder();
    private final LongAdder storageErrors = new LongAdder();
    // Written by the one sweeper thread only, read by JMX: volatile is enough.
    private volatile long lastSweepMillis = -1;
    private volatile long sweptFiles = -1;
    private volatile long sweptBytes = -1;
    /** Whether this instance is the one registered under its name: a replacing deployment unregisters it. */
    private volatile boolean registered;

    /** @param storage asked for its live totals on every read of FilesStored and BytesStored */
    UploadMetrics(Storage storage) {
        this.storage = storage;
    }

    /**
     * {@code io.github.httpupload:type=UploadMetrics,host=..,context=..}: {@code host} the virtual
     * server name (empty where the container has none), {@code context} the context path or
     * {@code /} for the root context, each quoted when JMX would otherwise refuse or misread it.
     */
    static ObjectName objectName(String virtualServerName, String contextPath) {
        String host = virtualServerName == null ? "" : virtualServerName;
        String context = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
        try {
            return new ObjectName(DOMAIN + ":type=UploadMetrics,host=" + value(host) + ",context=" + value(context));
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException("Cannot name the metrics of context [" + contextPath + "]", e);
        }
    }

    /** A key property value as is, or quoted when empty or holding a character JMX gives a meaning. */
    private static String value(String raw) {
        boolean plain = !raw.isEmpty() && raw.chars().noneMatch(c -> ",=:\"*?\\\n".indexOf(c) >= 0);
        return plain ? raw : ObjectName.quote(raw);
    }

    // ---- counting -----------------------------------------------------------------------------------

    void uploadStored(long bytes) {
        stored.increment();
        bytesReceived.add(bytes);
    }

    /** A PUT refused with {@code status}; statuses without a counter of their own are not counted. */
    void uploadRefused(int status) {
        LongAdder counter = switch (status) {
            case 401 -> refused401;
            case 403 -> refused403;
            case 409 -> refused409;
            case 410 -> refused410;
            case 411 -> refused411;
            case 413 -> refused413;
            case 507 -> refused507;
            default -> null;
        };
        if (counter != null) {
            counter.increment();
        }
    }

    void uploadAborted() {
        aborted.increment();
    }

    void uploadTimedOut() {
        timedOut.increment();
    }

    /** A GET answered {@code status}, {@code bodyBytes} of it sent. */
    void downloadAnswered(int status, long bodyBytes) {
        switch (status / 100) {
            case 2 -> downloads2xx.increment();
            case 3 -> downloads3xx.increment();
            case 4 -> downloads4xx.increment();
            case 5 -> downloads5xx.increment();
            default -> {
            }
        }
        bytesSent.add(bodyBytes);
    }

    void storageError() {
        storageErrors.increment();
    }

    @Override
    public void sweepFinished(Storage.SweepResult result, long durationMillis) {
        sweepsRun.increment();
        filesExpired.add(result.deleted());
        sweptFiles = result.kept();
        sweptBytes = result.keptBytes();
        lastSweepMillis = durationMillis;
    }

    @Override
    public void sweepFailed(long durationMillis) {
        sweepErrors.increment();
        lastSweepMillis = durationMillis;
    }

    // ---- registration -------------------------------------------------------------------------------

    @Override
    public ObjectName preRegister(MBeanServer server, ObjectName name) {
        return name;
    }

    @Override
    public void postRegister(Boolean registrationDone) {
        registered = Boolean.TRUE.equals(registrationDone);
    }

    @Override
    public void preDeregister() {
    }

    @Override
    public void postDeregister() {
        registered = false;
    }

    boolean registered() {
        return registered;
    }

    // ---- attributes ---------------------------------------------------------------------------------

    @Override
    public long getUploadsStored() {
        return stored.sum();
    }

    @Override
    public long getUploadsRefused401() {
        return refused401.sum();
    }

    @Override
    public long getUploadsRefused403() {
        return refused403.sum();
    }

    @Override
    public long getUploadsRefused409() {
        return refused409.sum();
    }

    @Override
    public long getUploadsRefused410() {
        return refused410.sum();
    }

    @Override
    public long getUploadsRefused411() {
        return refused411.sum();
    }

    @Override
    public long getUploadsRefused413() {
        return refused413.sum();
    }

    @Override
    public long getUploadsRefused507() {
        return refused507.sum();
    }

    @Override
    public long getUploadsAborted() {
        return aborted.sum();
    }

    @Override
    public long getUploadsTimedOut() {
        return timedOut.sum();
    }

    @Override
    public long getBytesReceived() {
        return bytesReceived.sum();
    }

    @Override
    public long getDownloads2xx() {
        return downloads2xx.sum();
    }

    @Override
    public long getDownloads3xx() {
        return downloads3xx.sum();
    }

    @Override
    public long getDownloads4xx() {
        return downloads4xx.sum();
    }

    @Override
    public long getDownloads5xx() {
        return downloads5xx.sum();
    }

    @Override
    public long getBytesSent() {
        return bytesSent.sum();
    }

    @Override
    public long getFilesStored() {
        return storage.liveTotals().map(Storage.Totals::files).orElse(sweptFiles);
    }

    @Override
    public long getBytesStored() {
        return storage.liveTotals().map(Storage.Totals::bytes).orElse(sweptBytes);
    }

    @Override
    public long getSweepsRun() {
        return sweepsRun.sum();
    }

    @Override
    public long getFilesExpired() {
        return filesExpired.sum();
    }

    @Override
    public long getLastSweepMillis() {
        return lastSweepMillis;
    }

    @Override
    public long getSweepErrors() {
        return sweepErrors.sum();
    }

    @Override
    public long getStorageErrors() {
        return storageErrors.sum();
    }
}
