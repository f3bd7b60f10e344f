package io.github.httpupload.web;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ConfigLoader;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.UploadConfig;
import io.github.httpupload.storage.FileStore;
import io.github.httpupload.storage.StoreOptions;
import jakarta.servlet.ServletContext;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;

/** Start-up work shared by the listener, the filter and the servlet: configuration and storage. */
final class Startup {

    private static final System.Logger LOG = System.getLogger("io.github.httpupload");
    private static final String PREFIX = "httpupload.";
    /** The servlet-context attribute under which {@link UploadConfigListener} shares the opened store. */
    static final String STORE_ATTRIBUTE = FileStore.class.getName();

    private Startup() {
    }

    /**
     * The configuration parsed by {@link UploadConfigListener} when it is registered (the WAR) and
     * the component has no {@code httpupload.*} init-param of its own; else parsed now from the
     * component's init-params and the context parameters, in that order.
     */
    static UploadConfig config(ServletContext context, ParameterSource own, Enumeration<String> ownInitParameterNames) {
        Object shared = context.getAttribute(UploadConfig.ATTRIBUTE);
        boolean configuredHere = Collections.list(ownInitParameterNames).stream().anyMatch(name -> name.startsWith(PREFIX));
        return shared instanceof UploadConfig && !configuredHere ? (UploadConfig) shared : load(own);
    }

    static UploadConfig load(ParameterSource source) {
        UploadConfig config = ConfigLoader.load(source);
        LOG.log(Level.INFO, "http-upload-servlet configuration: {0}", config);
        return config;
    }

    /**
     * The store opened by {@link UploadConfigListener} when {@code config} is the one it shared,
     * else a store opened now: a webapp opens its storage once.
     */
    static FileStore fileStore(ServletContext context, UploadConfig config) {
        if (context.getAttribute(STORE_ATTRIBUTE) instanceof FileStore shared && context.getAttribute(UploadConfig.ATTRIBUTE) == config) {
            return shared;
        }
        return openFileStore(config);
    }

    static FileStore openFileStore(UploadConfig config) {
        Path dir = config.requireStorageDir();
        StoreOptions options = new StoreOptions(config.fsync(), config.maxStorageSize(), config.minFreeSpace(),
                config.expireAfter().orElse(null), config.tombstoneRetention().orElse(null));
        try {
            return FileStore.open(dir, options);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("Invalid configuration parameter [" + UploadConfig.PARAM_STORAGE_DIR + "] value ["
                    + dir + "]: the directory cannot be created or written, or does not support hard links (" + e + ")", e);
        }
    }
}
