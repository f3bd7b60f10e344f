package io.github.httpupload.config;

/**
 * A configuration value that cannot be used. The message names the parameter and the bad value
 * (never the secret) and is meant to be read by an operator in the container's start-up log.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    public static ConfigException badValue(String parameter, String value, String expectation) {
        return new ConfigException("Invalid configuration parameter [" + parameter + "] value ["
                + value + "]: " + expectation);
    }
}
