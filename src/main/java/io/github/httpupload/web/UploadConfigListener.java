package io.github.httpupload.web;

import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.UploadConfig;
import io.github.httpupload.storage.FileStore;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Parses and checks the whole configuration once, when the webapp starts, from context parameters
 * (a {@code context.xml} {@code <Parameter>}), opens the storage, and shares both with
 * {@link HmacAuthFilter} and {@link UploadServlet}. Any problem fails the deployment: a listener is the one place where an
 * exception stops the webapp on every container (Tomcat only marks a failing servlet unavailable).
 */
public final class UploadConfigListener implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        UploadConfig config = Startup.load(ParameterSource.of(event.getServletContext()));
        // Creates the directories and proves them writable; the servlet then uses this store.
        FileStore store = Startup.openFileStore(config);
        event.getServletContext().setAttribute(UploadConfig.ATTRIBUTE, config);
        event.getServletContext().setAttribute(Startup.STORE_ATTRIBUTE, store);
    }
}
