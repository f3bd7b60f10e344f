package io.github.httpupload.web;

import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.UploadConfig;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Parses and checks the whole configuration once, when the webapp starts, from context parameters
 * (a {@code context.xml} {@code <Parameter>}), and shares it with {@link HmacAuthFilter} and
 * {@link UploadServlet}. Any problem fails the deployment: a listener is the one place where an
 * exception stops the webapp on every container (Tomcat only marks a failing servlet unavailable).
 */
public final class UploadConfigListener implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        UploadConfig config = Startup.load(ParameterSource.of(event.getServletContext()));
        Startup.fileStore(config); // creates the directories and proves they are writable
        event.getServletContext().setAttribute(UploadConfig.ATTRIBUTE, config);
    }
}
