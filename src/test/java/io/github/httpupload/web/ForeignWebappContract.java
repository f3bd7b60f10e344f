package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.auth.VerifiedUpload;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.HidingClassLoader;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.Tokens;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter mounted in somebody else's webapp, as the README's "filter in front of your own
 * servlet" section describes it: {@link HmacAuthFilter} on {@code /*}, the webapp's own servlet on
 * {@code /own/*}, and an {@link UploadServlet} on {@code /files/*} that someone added without
 * its listener. Run unchanged on every container: each subclass only deploys.
 */
abstract class ForeignWebappContract {

    static final String CONTEXT = "/app";
    private static final String SECRET = "the real secret of the foreign webapp";
    private static final String PLACEHOLDER = "CHANGE-ME-same-secret-as-the-XMPP-server";
    private static final String SLOT = "4a771ac1/report.pdf";

    /** A foreign webapp: context parameters, the filter's own init-params, and its class loader (null: the test's). */
    record Webapp(Map<String, String> contextParameters, Map<String, String> filterInitParameters, ClassLoader classLoader) {
    }

    /** A deployed webapp; {@link #log()} holds everything logged while it started. */
    interface Deployed extends AutoCloseable {
        int port();

        boolean started();

        String log();
    }

    abstract Deployed deploy(Webapp webapp) throws Exception;

    /** The webapp's own servlet: it takes the verified upload from the request attribute and says what it got. */
    public static class OwnServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            if (!(request.getAttribute(VerifiedUpload.ATTRIBUTE) instanceof VerifiedUpload upload)) {
                response.sendError(500, "reached without a verified upload");
                return;
            }
            response.setStatus(201);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().print("own servlet got " + upload.path().value() + " " + upload.contentLength()
                    + " " + body.length);
        }
    }

    @Test
    void aServletOfItsOwnGetsTheVerifiedUploadAndNothingElse() throws Exception {
        try (Deployed app = deploy(new Webapp(Map.of(Parameters.SECRET, SECRET), Map.of(), null))) {
            assertTrue(app.started(), app.log());
            byte[] content = bytes("twelve bytes");

            Response signed = putV2(app, content, SECRET);
            Response forged = putV2(app, content, "another secret");

            assertEquals(201, signed.status(), signed.text());
            assertEquals("own servlet got " + SLOT + " 12 12", signed.text());
            UploadContract.assertPlainTextError(403, forged);
        }
    }

    @Test
    void anUploadServletWithoutTheListenerIs503AndTheLogSaysWhatToRegister() throws Exception {
        try (Deployed app = deploy(new Webapp(Map.of(Parameters.SECRET, SECRET), Map.of(), null))) {
            Response download = RawHttp.request("GET", CONTEXT + "/files/" + SLOT).send(app.port());

            assertEquals(503, download.status(), download.text());
            assertFalse(download.text().contains("Exception"), download.text());
            assertTrue(app.log().contains("register the listener " + UploadConfigListener.class.getName()), app.log());
            assertEquals(201, putV2(app, bytes("still works"), SECRET).status(), "the filter and the own servlet work on");
        }
    }

    @Test
    void theDocumentedPlaceholderSecretFailsTheStartEvenWhenTheContextHasTheRealOne() throws Exception {
        try (Deployed app = deploy(new Webapp(Map.of(Parameters.SECRET, SECRET),
                Map.of(Parameters.SECRET, PLACEHOLDER), null))) {
            assertFalse(app.started());
            assertTrue(app.log().contains("[" + Parameters.SECRET + "]: the secret is the placeholder"), app.log());
            assertFalse(app.log().contains(SECRET), app.log());
        }
    }

    @Test
    void anInitParamThatHidesAContextParameterIsWarnedAboutByNameAndWins() throws Exception {
        try (Deployed app = deploy(new Webapp(Map.of(Parameters.SECRET, SECRET, Parameters.MAX_FILE_SIZE, "1000"),
                Map.of(Parameters.MAX_FILE_SIZE, "10"), null))) {
            assertTrue(app.started(), app.log());
            assertTrue(app.log().contains("WARNING") && app.log().contains("The init-param [" + Parameters.MAX_FILE_SIZE
                    + "] of") && app.log().contains("hides the context parameter of the same name"), app.log());

            UploadContract.assertPlainTextError(413, putV2(app, bytes("eleven byte"), SECRET));
            assertEquals(201, putV2(app, bytes("ten bytes!"), SECRET).status());
        }
    }

    @Test
    void withoutTheJwtLibraryBearerFailsTheStartNamingTheJarAndTheWayOut() throws Exception {
        ClassLoader withoutNimbus = withoutNimbus();
        try (Deployed app = deploy(new Webapp(Map.of(Parameters.SECRET, SECRET), Map.of(), withoutNimbus))) {
            assertFalse(app.started());
            assertTrue(app.log().contains("nimbus-jose-jwt-10.10.jar"), app.log());
            assertTrue(app.log().contains("leave bearer out of " + Parameters.PROTOCOLS), app.log());
        }
    }

    @Test
    void withoutTheJwtLibraryQueryTokensWorkAndABearerHeaderIsAPlainRefusal() throws Exception {
        ClassLoader withoutNimbus = withoutNimbus();
        try (Deployed app = deploy(new Webapp(Map.of(Parameters.SECRET, SECRET, Parameters.PROTOCOLS, "v,v2,token"),
                Map.of(), withoutNimbus))) {
            assertTrue(app.started(), app.log());

            Response upload = putV2(app, bytes("no jwt here"), SECRET);
            Response bearer = RawHttp.request("PUT", CONTEXT + "/own/" + SLOT)
                    .header("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.garbage").body(bytes("x")).send(app.port());

            assertEquals(201, upload.status(), upload.text());
            UploadContract.assertPlainTextError(403, bearer);
        }
    }

    /** A loader without nimbus-jose-jwt, proven to be one. */
    private static ClassLoader withoutNimbus() {
        ClassLoader loader = new HidingClassLoader(ForeignWebappContract.class.getClassLoader());
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.nimbusds.jwt.SignedJWT", false, loader));
        return loader;
    }

    private Response putV2(Deployed app, byte[] content, String secret) throws IOException {
        String token = new Tokens(secret).sign(TokenProtocol.V2, SLOT, content.length, "text/plain");
        return RawHttp.request("PUT", CONTEXT + "/own/" + SLOT + "?v2=" + token)
                .header("Content-Type", "text/plain").body(content).send(app.port());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
