package io.github.httpupload.web;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.testsupport.ProtocolVectors;
import io.github.httpupload.testsupport.ProtocolVectors.Row;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The table of docs/protocol.md#where-the-slot-path-starts: which part of the request URI each kind
 * of servlet mapping signs, given what the container reports. The real containers are covered by
 * {@link SlotPathMappingContract}; this keeps the page's table true.
 */
class RequestSlotPathVectorsTest {

    private static final String CONTEXT_PATH = "/upload";

    static Stream<Named<Row>> mappings() {
        return ProtocolVectors.table("Where the slot path starts", 7).stream()
                .map(row -> Named.of(row.get("servlet mapping") + " (docs/protocol.md:" + row.line() + ")", row));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mappings")
    void theMappingDecidesWhatIsSigned(Row row) throws Exception {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getContextPath()).thenReturn(CONTEXT_PATH);
        when(request.getServletPath()).thenReturn(row.get("servlet path"));
        when(request.getPathInfo()).thenReturn(row.optional("path info"));
        when(request.getRequestURI()).thenReturn(row.get("request URI"));
        String expected = row.optional("signed slot path");

        if (expected == null) {
            assertThrows(InvalidSlotPathException.class, () -> RequestSlotPath.of(request), row.toString());
        } else {
            assertEquals(expected, RequestSlotPath.of(request).value(), row.toString());
        }
    }
}
