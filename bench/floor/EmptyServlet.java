// The floor of bench/run.sh's GET 4 KiB row: a servlet that does nothing. Deployed by run.sh as the
// context /floor of the same Tomcat as DefaultServlet and our WAR (mapped to /*, as our WAR's
// servlet is), so that row shows what Tomcat's request cycle costs before any servlet work.
// Compiled by run.sh with javac against Tomcat's servlet-api.jar; no package, no other class.
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

public final class EmptyServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** 200 (the default status), Content-Length: 0, nothing else: no body, no header of our own. */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        response.setContentLength(0);
    }
}
