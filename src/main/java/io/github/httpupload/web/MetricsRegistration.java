package io.github.httpupload.web;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;

/**
 * Puts a webapp's {@link UploadMetrics} into the platform MBeanServer and takes it out again. A
 * failure here is logged, never thrown: metrics must not stop an upload service from deploying.
 */
final class MetricsRegistration {

    private static final System.Logger LOG = System.getLogger(MetricsRegistration.class.getName());

    private MetricsRegistration() {
    }

    /**
     * Registers {@code metrics} as {@code name}. A bean already there (a redeploy whose old webapp
     * has not stopped yet, as with Tomcat's parallel deployment) is replaced: the new webapp is the
     * one serving. The old one notices ({@link UploadMetrics#registered()}) and leaves the new one be.
     */
    static void register(UploadMetrics metrics, ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            try {
                server.registerMBean(metrics, name);
            } catch (InstanceAlreadyExistsException e) {
                LOG.log(Level.WARNING, "Replacing the MBean {0} that another webapp (or an earlier deployment) registered", name);
                unregisterQuietly(server, name);
                server.registerMBean(metrics, name);
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot register the metrics MBean " + name + "; the service runs without it", e);
        }
    }

    /** Unregisters {@code metrics} if it is still the bean registered as {@code name}. */
    static void unregister(UploadMetrics metrics, ObjectName name) {
        if (metrics.registered()) {
            unregisterQuietly(ManagementFactory.getPlatformMBeanServer(), name);
        }
    }

    private static void unregisterQuietly(MBeanServer server, ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // gone already: someone else took it out
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot unregister the metrics MBean " + name, e);
        }
    }
}
