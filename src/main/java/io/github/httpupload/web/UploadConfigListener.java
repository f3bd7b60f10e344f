package io.github.httpupload.web;

import io.github.httpupload.config.ParameterReader;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.storage.Storage;
import io.github.httpupload.storage.StorageSettings;
import io.github.httpupload.storage.Storages;
import io.github.httpupload.storage.Sweeper;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Optional;

/**
 * The one owner of the webapp's storage: opens it (and starts its {@link Sweeper}) when the webapp
 * starts, from context parameters (a {@code context.xml} {@code <Parameter>}), shares it with
 * {@link UploadServlet} (and {@link HealthServlet}) as the context attribute {@link #STORAGE_ATTRIBUTE}, and stops the sweeper
 * and closes the storage when the webapp stops. Also checks the servlet's own settings, so that any
 * configuration problem fails the deployment: a listener is the one place where an exception stops
 * the webapp on every container (Tomcat only marks a failing servlet unavailable). The filters need
 * no storage and check their settings themselves. Also registers the webapp's {@link UploadMetrics}
 * MBean, shared as {@link UploadMetrics#ATTRIBUTE}, for as long as the webapp runs.
 */
public final class UploadConfigListener implements ServletContextListener {

    /** The servlet-context attribute that holds the open {@link Storage}. */
    public static final String STORAGE_ATTRIBUTE = Storage.class.getName();
    private static final System.Logger LOG = System.getLogger("io.github.httpupload");

    private Storage storage;
    private Sweeper sweeper;
    private UploadMetrics metrics;
    private ObjectName metricsName;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ParameterSource parameters = ServletParameters.of(context);
        new ParameterReader(parameters).warnAboutUnknownParameters();
        UploadServletSettings.from(parameters);
        StorageSettings settings = StorageSettings.from(parameters);
        storage = Storages.open(settings, Clock.systemUTC());
        LOG.log(Level.INFO, "http-upload-servlet storage: {0}", settings);
        metrics = new UploadMetrics(storage);
        metricsName = UploadMetrics.objectName(context.getVirtualServerName(), context.getContextPath());
        MetricsRegistration.register(metrics, metricsName);
        try {
            sweeper = Sweeper.start(storage, settings.sweepInterval(), metrics);
            context.setAttribute(UploadMetrics.ATTRIBUTE, metrics);
            context.setAttribute(STORAGE_ATTRIBUTE, storage);
        } catch (RuntimeException | Error e) {
            // Not every container tells a listener that failed to start that its context is destroyed.
            stop(context);
            throw e;
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        stop(event.getServletContext());
    }

    /** Undoes whatever of the start happened; safe to call twice. */
    private void stop(ServletContext context) {
        context.removeAttribute(STORAGE_ATTRIBUTE);
        context.removeAttribute(UploadMetrics.ATTRIBUTE);
        if (metrics != null) {
            MetricsRegistration.unregister(metrics, metricsName);
            metrics = null;
        }
        if (sweeper != null) {
            sweeper.close();
            sweeper = null;
        }
        if (storage != null) {
            try {
                storage.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Closing the storage failed", e);
            }
            storage = null;
        }
    }

    /** The storage the listener opened; empty when the listener is not registered. */
    static Optional<Storage> storageOf(ServletContext context) {
        return context.getAttribute(STORAGE_ATTRIBUTE) instanceof Storage storage ? Optional.of(storage) : Optional.empty();
    }

    /** The webapp's metrics; empty when the listener is not registered (a filter used in another webapp). */
    static Optional<UploadMetrics> metricsOf(ServletContext context) {
        return context.getAttribute(UploadMetrics.ATTRIBUTE) instanceof UploadMetrics m ? Optional.of(m) : Optional.empty();
    }
}
