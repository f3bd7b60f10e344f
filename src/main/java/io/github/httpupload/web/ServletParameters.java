package io.github.httpupload.web;

import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.Parameters;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;

import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A component's configuration as the servlet API holds it: its own {@code <init-param>} first,
 * then the context parameter of the same name. An init-param that hides a context parameter is
 * warned about at start (names only, never values): an operator who edits the context file
 * otherwise wonders why nothing changes.
 */
final class ServletParameters {

    private static final System.Logger LOG = System.getLogger(ServletParameters.class.getName());

    private ServletParameters() {
    }

    static ParameterSource of(ServletContext context) {
        return layered("the context", name -> null, Collections::emptyEnumeration, context);
    }

    static ParameterSource of(FilterConfig filter) {
        return layered(filter.getFilterName(), filter::getInitParameter, filter::getInitParameterNames, filter.getServletContext());
    }

    static ParameterSource of(ServletConfig servlet) {
        return layered(servlet.getServletName(), servlet::getInitParameter, servlet::getInitParameterNames, servlet.getServletContext());
    }

    private static ParameterSource layered(String component, Function<String, String> own,
                                           Supplier<Enumeration<String>> ownNames, ServletContext context) {
        for (String name : Collections.list(ownNames.get())) {
            if (name.startsWith(Parameters.PREFIX) && context.getInitParameter(name) != null) {
                LOG.log(Level.WARNING, "The init-param [{0}] of {1} hides the context parameter of the same name: {1} uses"
                        + " its init-param; remove one of the two", name, component);
            }
        }
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
