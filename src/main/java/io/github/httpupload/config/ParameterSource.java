package io.github.httpupload.config;

import java.util.Map;
import java.util.Set;

/**
 * Where configuration values come from. In a webapp, a component's own {@code <init-param>} first,
 * then the context parameter of the same name (a {@code context.xml} {@code <Parameter>} or a
 * {@code <context-param>}); the servlet adapters are in {@code io.github.httpupload.web}.
 */
public interface ParameterSource {

    /** The value of {@code name}, or {@code null} when it is not set anywhere. */
    String get(String name);

    /** Every parameter name visible to this source, for warning about unknown ones. */
    Set<String> names();

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
}
