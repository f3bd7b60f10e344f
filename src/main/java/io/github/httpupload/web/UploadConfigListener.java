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
 * no storage and check their settings themselves.
 */
public final class UploadConfigListener implements ServletContextListener {

    /** The servlet-context attribute that holds the open {@link Storage}. */
    public static final String STORAGE_ATTRIBUTE = Storage.class.getName();
    private static final System.Logger LOG = System.getLogger("io.github.httpupload");

    private Storage storage;
    private Sweeper sweeper;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ParameterSource parameters = ServletParameters.of(context);
        new ParameterReader(parameters).warnAboutUnknownParameters();
        UploadServletSettings.from(parameters);
        StorageSettings settings = StorageSettings.from(parameters);
        storage = Storages.open(settings, Clock.systemUTC());
        LOG.log(Level.INFO, "http-upload-servlet storage: {0}", settings);
        sweeper = Sweeper.start(storage, settings.sweepInterval());
        context.setAttribute(STORAGE_ATTRIBUTE, storage);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().removeAttribute(STORAGE_ATTRIBUTE);
        if (sweeper != null) {
            sweeper.close();
        }
        if (storage != null) {
            try {
                storage.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Closing the storage failed", e);
            }
        }
    }

    /** The storage the listener opened; empty when the listener is not registered. */
    static Optional<Storage> storageOf(ServletContext context) {
        return context.getAttribute(STORAGE_ATTRIBUTE) instanceof Storage storage ? Optional.of(storage) : Optional.empty();
    }
}
