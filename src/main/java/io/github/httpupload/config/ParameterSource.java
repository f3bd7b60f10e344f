package io.github.httpupload.config;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where configuration values come from: a component's own {@code <init-param>} first, then the
 * context parameter of the same name (a {@code context.xml} {@code <Parameter>} or a
 * {@code <context-param>}), else nothing, so that the caller applies its default.
 */
public interface ParameterSource {

    /** The value of {@code name}, or {@code null} when it is not set anywhere. */
    String get(String name);

    /** Every parameter name visible to this source, for warning about unknown ones. */
    Set<String> names();

    static ParameterSource of(ServletContext context) {
        return layered(name -> null, Collections::emptyEnumeration, context);
    }

    static ParameterSource of(FilterConfig filter) {
        return layered(filter::getInitParameter, filter::getInitParameterNames, filter.getServletContext());
    }

    static ParameterSource of(ServletConfig servlet) {
        return layered(servlet::getInitParameter, servlet::getInitParameterNames, servlet.getServletContext());
    }

    static ParameterSource of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new ParameterSource() {
            @Override
            public String get(String name) {
                return copy.get(name);
            }

            @Override
            public Set<String> names() {
                return copy.keySet();
            }
        };
    }

    private static ParameterSource layered(Function<String, String> own,
                                           Supplier<java.util.Enumeration<String>> ownNames,
                                           ServletContext context) {
        return new ParameterSource() {
            @Override
            public String get(String name) {
                String value = own.apply(name);
                return value != null ? value : context.getInitParameter(name);
            }

            @Override
            public Set<String> names() {
                Set<String> all = new TreeSet<>(Collections.list(ownNames.get()));
                all.addAll(Collections.list(context.getInitParameterNames()));
                return all;
            }
        };
    }
}
