package io.github.httpupload.testsupport;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * A webapp's view of a foreign deployment that did not copy nimbus-jose-jwt into
 * {@code WEB-INF/lib}: this project's classes load from the build directories (child first, as
 * a webapp class loader does), {@code com.nimbusds.*} does not exist, everything else comes from
 * the parent (the servlet API, the JDK).
 */
public final class HidingClassLoader extends URLClassLoader {

    private static final String OURS = "io.github.httpupload.";
    private static final String HIDDEN = "com.nimbusds.";

    public HidingClassLoader(ClassLoader parent) {
        super(new URL[] {url("target/classes"), url("target/test-classes")}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(HIDDEN)) {
            throw new ClassNotFoundException(name + " (hidden: this webapp has no nimbus-jose-jwt)");
        }
        if (!name.startsWith(OURS)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = findClass(name);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    private static URL url(String directory) {
        try {
            return Path.of(directory).toAbsolutePath().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
