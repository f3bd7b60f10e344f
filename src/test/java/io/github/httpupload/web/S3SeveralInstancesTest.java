package io.github.httpupload.web;

import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.S3ProxyServer;

import java.util.Map;

/** Two instances over one bucket and one prefix of a real S3 API server (S3Proxy). */
class S3SeveralInstancesTest extends SeveralInstancesContract {

    @Override
    Map<String, String> sharedStore() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        return Map.of(
                Parameters.STORAGE, "s3",
                Parameters.S3_BUCKET, s3.newBucket(),
                Parameters.S3_PREFIX, "shared/",
                Parameters.S3_ENDPOINT, s3.endpoint().toString(),
                Parameters.S3_ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY,
                Parameters.S3_SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    @Override
    void deleteStore() {
        // the shared S3Proxy's data goes with the JVM
    }
}
