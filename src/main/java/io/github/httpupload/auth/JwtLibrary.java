package io.github.httpupload.auth;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.Parameters;

/**
 * The JWT parser that Bearer tokens need (nimbus-jose-jwt). The WAR bundles it; a webapp that
 * mounts the filter brings it into {@code WEB-INF/lib} itself. Checked at start, so that a missing
 * jar fails the deployment instead of every request that carries an {@code Authorization} header.
 */
public final class JwtLibrary {

    /** The version this project is built and tested with (the pom's {@code nimbus-jose-jwt.version}). */
    public static final String VERSION = "10.10";
    static final String PROBE_CLASS = "com.nimbusds.jwt.SignedJWT";

    private JwtLibrary() {
    }

    /** Fails with a message naming the jar and the way out when {@code loader} cannot load the library. */
    static void require(ClassLoader loader) {
        try {
            Class.forName(PROBE_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException("Invalid configuration parameter [" + Parameters.PROTOCOLS + "]: the bearer protocol"
                    + " needs nimbus-jose-jwt-" + VERSION + ".jar (com.nimbusds:nimbus-jose-jwt:" + VERSION
                    + ") in WEB-INF/lib, and it is missing (" + e + "); add the jar, or leave bearer out of "
                    + Parameters.PROTOCOLS + " (for example v,v2,token)");
        }
    }
}
