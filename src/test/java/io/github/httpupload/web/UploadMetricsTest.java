package io.github.httpupload.web;

import io.github.httpupload.storage.Storage;
import io.github.httpupload.testsupport.UnusedStorage;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MBean's name, its totals without a live count (S3), and the replacing registration. */
class UploadMetricsTest {

    @Test
    void theRootContextIsNamedSlash() {
        assertEquals("io.github.httpupload:type=UploadMetrics,host=Catalina/localhost,context=/",
                UploadMetrics.objectName("Catalina/localhost", "").toString());
    }

    @Test
    void aNestedPathIsKeptAsIs() throws Exception {
        ObjectName name = UploadMetrics.objectName("Catalina/localhost", "/chat/upload");
        assertEquals("/chat/upload", name.getKeyProperty("context"));
        assertEquals(new ObjectName("io.github.httpupload:type=UploadMetrics,host=Catalina/localhost,context=/chat/upload"), name);
    }

    @Test
    void valuesJmxWouldMisreadAreQuoted() {
        ObjectName name = UploadMetrics.objectName("a,b", "/x=1:y*?\"z");
        assertEquals(ObjectName.quote("/x=1:y*?\"z"), name.getKeyProperty("context"));
        assertEquals("/x=1:y*?\"z", ObjectName.unquote(name.getKeyProperty("context")));
        assertEquals(ObjectName.quote("a,b"), name.getKeyProperty("host"));
        assertFalse(name.isPattern());
    }

    @Test
    void noVirtualServerNameIsAnEmptyQuotedHost() {
        assertEquals("\"\"", UploadMetrics.objectName(null, "/upload").getKeyProperty("host"));
        assertEquals(UploadMetrics.objectName(null, "/upload"), UploadMetrics.objectName("", "/upload"));
    }

    @Test
    void withoutALiveCountTheTotalsAreTheLastSweepsAndMinusOneBefore() {
        UploadMetrics metrics = new UploadMetrics(new UnusedStorage());
        assertEquals(-1, metrics.getFilesStored());
        assertEquals(-1, metrics.getBytesStored());
        assertEquals(-1, metrics.getLastSweepMillis());

        metrics.sweepFinished(new Storage.SweepResult(2, 200, 0, 7, 7000), 12);
        metrics.sweepFailed(30);

        assertEquals(7, metrics.getFilesStored());
        assertEquals(7000, metrics.getBytesStored());
        assertEquals(1, metrics.getSweepsRun());
        assertEquals(2, metrics.getFilesExpired());
        assertEquals(1, metrics.getSweepErrors());
        assertEquals(30, metrics.getLastSweepMillis());
    }

    @Test
    void onlyTheStatusesWithACounterAreCounted() {
        UploadMetrics metrics = new UploadMetrics(new UnusedStorage());
        for (int status : new int[] {400, 401, 403, 405, 409, 410, 411, 413, 500, 507}) {
            metrics.uploadRefused(status);
        }
        long sum = metrics.getUploadsRefused401() + metrics.getUploadsRefused403() + metrics.getUploadsRefused409()
                + metrics.getUploadsRefused410() + metrics.getUploadsRefused411() + metrics.getUploadsRefused413()
                + metrics.getUploadsRefused507();
        assertEquals(7, sum);
    }

    @Test
    void aSecondRegistrationReplacesTheFirstWhichThenLeavesItBe() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = UploadMetrics.objectName("unit", "/replace");
        UploadMetrics first = new UploadMetrics(new UnusedStorage());
        UploadMetrics second = new UploadMetrics(new UnusedStorage());
        second.uploadStored(5);
        MetricsRegistration.register(first, name);
        MetricsRegistration.register(second, name);
        try {
            assertFalse(first.registered());
            assertEquals(1L, server.getAttribute(name, "UploadsStored"));

            MetricsRegistration.unregister(first, name); // the old webapp stops after the new one started

            assertTrue(server.isRegistered(name), "the old webapp took the new one's bean away");
        } finally {
            MetricsRegistration.unregister(second, name);
        }
        assertFalse(server.isRegistered(name));
    }
}
