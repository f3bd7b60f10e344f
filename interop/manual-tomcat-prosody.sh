#!/bin/bash
# Interop check for http-upload-servlet, by hand but re-runnable:
#   * the WAR in a STOCK Debian Tomcat 10.1 (package tomcat10), configured only by a context descriptor;
#   * a real Prosody 0.12 handing out upload slots with prosody-modules' mod_http_upload_external,
#     one component with protocol v1 and one with protocol v2;
#   * a real XMPP client (slixmpp) requesting slots and uploading through them, then downloading.
#
# Everything listens on 127.0.0.1 only, on free ports picked at start; every process started here is
# stopped by its pid at the end. Nothing outside $RUN (default /tmp/interop-run) is written, apart from
# the WAR built in the repository's target/ and the Debian packages installed when missing.
#
# Usage: interop/manual-tomcat-prosody.sh            (as root; exit status 0 only if every case passes)
#        KEEP_RUNNING=1 interop/manual-tomcat-prosody.sh   leaves Tomcat and Prosody up for poking around
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
RUN=${RUN:-/tmp/interop-run}
PY=/usr/bin/python3            # Debian's python: python3-slixmpp belongs to it, not to pyenv's python3
SECRET=${SECRET:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
XMPP_USER=interop XMPP_PASS=interop-pass

PASSED=0 FAILED=0
pass() { echo "PASS $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
step() { echo; echo "=== $*"; }

TOMCAT_PID= PROSODY_PID=
stop_pid() { # stop_pid NAME PID: SIGTERM, wait up to 20 s, then SIGKILL that one pid
    local name=$1 pid=$2 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid"
    for i in $(seq 40); do kill -0 "$pid" 2>/dev/null || { echo "stopped $name (pid $pid)"; return 0; }; sleep 0.5; done
    echo "$name (pid $pid) did not stop, killing it"; kill -9 "$pid"
}
cleanup() {
    if [ -n "${KEEP_RUNNING:-}" ]; then
        echo "KEEP_RUNNING set: Tomcat pid $TOMCAT_PID, Prosody pid $PROSODY_PID left running"; return
    fi
    stop_pid prosody "$PROSODY_PID"; stop_pid tomcat "$TOMCAT_PID"
}
trap cleanup EXIT

# --------------------------------------------------------------------------------------------------
step "packages"
# Debian bookworm: tomcat10 is Tomcat 10.1 (Jakarta Servlet 6), prosody 0.12, prosody-modules has
# mod_http_upload_external, python3-slixmpp brings aiohttp for its XEP-0363 helper.
missing=
for p in tomcat10 prosody prosody-modules python3-slixmpp; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null \
        || { echo "apt-get install failed"; exit 2; }
fi
# (The package scripts try to start the system services; policy-rc.d blocks that here. We never use them.)
TOMCAT_VERSION=$(dpkg-query -W -f='${Version}' tomcat10)
PROSODY_VERSION=$(dpkg-query -W -f='${Version}' prosody)
MODULES_VERSION=$(dpkg-query -W -f='${Version}' prosody-modules)
SLIXMPP_VERSION=$($PY -c 'import slixmpp, aiohttp; print(slixmpp.__version__, "/ aiohttp", aiohttp.__version__)')
echo "tomcat10 $TOMCAT_VERSION, prosody $PROSODY_VERSION, prosody-modules $MODULES_VERSION, slixmpp $SLIXMPP_VERSION"

# --------------------------------------------------------------------------------------------------
step "build the WAR"
# -DskipTests: `mvn -B verify` runs the unit and container tests; this script checks interop only.
(cd "$REPO" && mvn -B -q -DskipTests package) || { echo "maven build failed"; exit 2; }
WAR=$REPO/target/http-upload-servlet.war
[ -f "$WAR" ] || { echo "no $WAR"; exit 2; }
ls -l "$WAR"

# --------------------------------------------------------------------------------------------------
step "fresh run directory $RUN and free loopback ports"
rm -rf "$RUN"
mkdir -p "$RUN"
read -r HTTP_PORT C2S_PORT < <($PY - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
EOF
)
echo "tomcat http 127.0.0.1:$HTTP_PORT, prosody c2s 127.0.0.1:$C2S_PORT"
BASE_URL="http://127.0.0.1:$HTTP_PORT/upload/"

# --------------------------------------------------------------------------------------------------
step "private Tomcat instance (CATALINA_HOME=/usr/share/tomcat10, CATALINA_BASE=$RUN/tomcat)"
export CATALINA_HOME=/usr/share/tomcat10
export CATALINA_BASE=$RUN/tomcat
export CATALINA_TMPDIR=$CATALINA_BASE/temp
mkdir -p "$CATALINA_BASE"/{conf/Catalina/localhost,logs,temp,webapps,work}
# The Debian package's own configuration, unchanged except for the edits below.
cp -r /etc/tomcat10/. "$CATALINA_BASE/conf/"
rm -rf "$CATALINA_BASE/conf/Catalina/localhost"/* "$CATALINA_BASE/conf/policy.d"
# 1. SecurityListener refuses to start Tomcat as root (we are root). Debian ships it commented
#    out already; delete the line in case it is active.
sed -i '/org\.apache\.catalina\.security\.SecurityListener/d' "$CATALINA_BASE/conf/server.xml"
# 2. The one active HTTP connector: loopback, free port, and continueResponseTiming="onRead" so
#    Tomcat sends "100 Continue" only when the servlet reads the body, i.e. after the token was
#    checked (PROTOCOL.md §10): a refused upload is never transferred.
sed -i "s|<Connector port=\"8080\" protocol=\"HTTP/1.1\"|<Connector port=\"$HTTP_PORT\" address=\"127.0.0.1\" continueResponseTiming=\"onRead\" protocol=\"HTTP/1.1\"|" \
    "$CATALINA_BASE/conf/server.xml"
grep -q "port=\"$HTTP_PORT\" address=\"127.0.0.1\" continueResponseTiming=\"onRead\"" "$CATALINA_BASE/conf/server.xml" \
    || { echo "could not edit the Connector in server.xml"; exit 2; }
# 3. Show the signed string of a rejected token (HmacAuthFilter logs it at DEBUG = JUL FINE).
echo 'io.github.httpupload.web.HmacAuthFilter.level = FINE' >> "$CATALINA_BASE/conf/logging.properties"

cp "$WAR" "$CATALINA_BASE/webapps/upload.war"

DESCRIPTOR=$CATALINA_BASE/conf/Catalina/localhost/upload.xml
write_descriptor() { # write_descriptor with-secret|without-secret
    {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo '<!-- The whole configuration of the upload service. override="false": a context-param in the'
        echo '     WAR must never win over the operator (the WAR declares none anyway). -->'
        echo '<Context>'
        [ "$1" = with-secret ] && echo "  <Parameter name=\"httpupload.secret\" value=\"$SECRET\" override=\"false\"/>"
        echo "  <Parameter name=\"httpupload.storageDir\" value=\"$RUN/storage\" override=\"false\"/>"
        echo '</Context>'
    } > "$DESCRIPTOR"
}

start_tomcat() { # start_tomcat OUTFILE: catalina.sh run execs java, so $! is Tomcat's JVM
    "$CATALINA_HOME/bin/catalina.sh" run > "$1" 2>&1 &
    TOMCAT_PID=$!
    local i
    for i in $(seq 120); do
        grep -q 'Server startup in' "$1" && return 0
        kill -0 "$TOMCAT_PID" 2>/dev/null || { echo "tomcat exited:"; tail -30 "$1"; return 1; }
        sleep 0.5
    done
    echo "tomcat did not finish starting in 60 s"; return 1
}
localhost_log() { cat "$CATALINA_BASE"/logs/localhost.*.log 2>/dev/null; }

step "Tomcat case 1: descriptor WITHOUT httpupload.secret must fail the deployment, naming the parameter"
write_descriptor without-secret
cat "$DESCRIPTOR"
OUT1=$CATALINA_BASE/logs/catalina-nosecret.out
if start_tomcat "$OUT1"; then
    grep -E 'SEVERE|httpupload|upload\]' "$OUT1" | grep -v AprLifecycleListener | cut -c1-400
    # Stock Tomcat writes the listener's exception to logs/localhost.<date>.log, not to stdout.
    localhost_log | grep -h 'ConfigException' | cut -c1-400
    status=$(curl -s -o /dev/null -w '%{http_code}' "${BASE_URL}x/y.txt")
    if grep -q 'Context \[/upload\] startup failed' "$OUT1" \
        && { grep -q 'Missing configuration parameter \[httpupload.secret\]' "$OUT1" \
             || localhost_log | grep -q 'Missing configuration parameter \[httpupload.secret\]'; } \
        && [ "$status" = 404 ]; then
        pass "tomcat-no-secret: deployment failed, log names [httpupload.secret], GET /upload/... -> $status (app not running)"
    else
        fail "tomcat-no-secret: expected 'Context [/upload] startup failed' and a message naming httpupload.secret (GET -> $status)"
    fi
else
    fail "tomcat-no-secret: Tomcat itself did not start"
fi
stop_pid tomcat "$TOMCAT_PID"; TOMCAT_PID=

step "Tomcat case 2: descriptor with secret and storageDir; the context must start"
write_descriptor with-secret
sed "s/$SECRET/<secret>/" "$DESCRIPTOR"
OUT2=$CATALINA_BASE/logs/catalina.out
start_tomcat "$OUT2" || { fail "tomcat-start"; exit 1; }
grep -E 'httpupload|upload\]|upload\.xml|SEVERE' "$OUT2" | grep -v AprLifecycleListener | cut -c1-400
if grep -q 'http-upload-servlet configuration:' "$OUT2" \
    && grep -q 'Deployment of deployment descriptor \[.*upload\.xml\] has finished' "$OUT2" \
    && ! grep -q 'Context \[/upload\] startup failed' "$OUT2"; then
    pass "tomcat-deploy: configuration INFO line logged, context [/upload] started"
else
    fail "tomcat-deploy: no configuration INFO line or the context failed"; localhost_log | tail -40
fi
grep -q "$SECRET" "$OUT2" $CATALINA_BASE/logs/*.log && fail "tomcat-log-secret: the secret appears in a log" \
    || pass "tomcat-log-secret: the secret is in no log"
status=$(curl -s -o /dev/null -w '%{http_code}' "${BASE_URL}no-such-slot/file.txt")
[ "$status" = 404 ] && pass "tomcat-get-unknown: GET unknown file -> 404" || fail "tomcat-get-unknown: GET unknown file -> $status"
status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary hello "${BASE_URL}slot/file.txt")
[ "$status" = 403 ] && pass "tomcat-put-no-token: PUT without token -> 403" || fail "tomcat-put-no-token: PUT without token -> $status"
# continueResponseTiming="onRead": a refused PUT with Expect: 100-continue gets the 403 and no
# "100 Continue" (curl sends Expect for bodies > 1 MiB; force it with the header).
head -c 2000000 /dev/zero > "$RUN/2mb.bin"
if curl -sv -o /dev/null -X PUT -H 'Expect: 100-continue' --data-binary @"$RUN/2mb.bin" \
        "${BASE_URL}slot/file.bin?v=$(printf '0%.0s' $(seq 64))" 2>&1 | grep -E '^< HTTP/' > "$RUN/expect.txt"; then :; fi
if grep -q ' 403' "$RUN/expect.txt" && ! grep -q ' 100' "$RUN/expect.txt"; then
    pass "tomcat-expect-continue: bad token with Expect: 100-continue -> 403 without 100 Continue"
else
    fail "tomcat-expect-continue: got $(tr '\n' ' ' < "$RUN/expect.txt")"
fi

# --------------------------------------------------------------------------------------------------
step "private Prosody instance ($RUN/prosody)"
PROSODY_DIR=$RUN/prosody
PROSODY_CFG=$PROSODY_DIR/prosody.cfg.lua
mkdir -p "$PROSODY_DIR/data" "$PROSODY_DIR/certs"  # empty certs dir: no TLS, and no "cannot open" error
# Option names checked in /usr/lib/prosody/modules/mod_http_upload_external/mod_http_upload_external.lua:
# <module name>_base_url, _secret, _protocol ("v1" -> ?v=, anything else -> ?v2=), _file_size_limit.
cat > "$PROSODY_CFG" <<EOF
-- Private loopback-only Prosody for the interop check; not the system instance.
run_as_root = true                 -- we are root; Prosody 0.12 refuses otherwise
daemonize = false                  -- the script starts it in the background and keeps its pid
pidfile = "$PROSODY_DIR/prosody.pid"
data_path = "$PROSODY_DIR/data"
certificates = "$PROSODY_DIR/certs"
log = { { levels = { min = "debug" }, to = "file", filename = "$PROSODY_DIR/prosody.log" } }

interfaces = { "127.0.0.1" }
c2s_ports = { $C2S_PORT }
c2s_interfaces = { "127.0.0.1" }
modules_disabled = { "s2s" }       -- no server-to-server
c2s_require_encryption = false     -- no TLS on loopback
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
storage = "internal"
modules_enabled = { "roster", "saslauth", "disco", "ping", "posix" }

VirtualHost "localhost"

Component "upload-v1.localhost" "http_upload_external"
    http_upload_external_base_url = "$BASE_URL"
    http_upload_external_secret = "$SECRET"
    http_upload_external_protocol = "v1"

Component "upload-v2.localhost" "http_upload_external"
    http_upload_external_base_url = "$BASE_URL"
    http_upload_external_secret = "$SECRET"
    http_upload_external_protocol = "v2"
EOF
sed "s/$SECRET/<secret>/" "$PROSODY_CFG"
# run_as_root in the config also keeps prosodyctl from switching to the prosody user.
prosodyctl --config "$PROSODY_CFG" register "$XMPP_USER" localhost "$XMPP_PASS" \
    && pass "prosody-register: $XMPP_USER@localhost created" || fail "prosody-register"

prosody --config "$PROSODY_CFG" > "$PROSODY_DIR/prosody.out" 2>&1 &
PROSODY_PID=$!
up=
for i in $(seq 60); do
    $PY -c "import socket; socket.create_connection(('127.0.0.1', $C2S_PORT), 1)" 2>/dev/null && { up=1; break; }
    kill -0 "$PROSODY_PID" 2>/dev/null || break
    sleep 0.5
done
if [ -n "$up" ]; then
    pass "prosody-start: c2s listening on 127.0.0.1:$C2S_PORT (pid $PROSODY_PID)"
else
    fail "prosody-start"; cat "$PROSODY_DIR/prosody.out"; tail -30 "$PROSODY_DIR/prosody.log"; exit 1
fi

# --------------------------------------------------------------------------------------------------
step "XMPP client: slots from each component, PUT, GET, HEAD (slixmpp $SLIXMPP_VERSION)"
$PY "$HERE/xmpp_upload_check.py" --jid "$XMPP_USER@localhost" --password "$XMPP_PASS" --port "$C2S_PORT" \
    --base-url "$BASE_URL" upload-v1.localhost upload-v2.localhost | tee "$RUN/client.out"
CLIENT_PASSED=$(grep -c '^PASS ' "$RUN/client.out")
CLIENT_FAILED=$(grep -c '^FAIL ' "$RUN/client.out")
PASSED=$((PASSED + CLIENT_PASSED)) FAILED=$((FAILED + CLIENT_FAILED))
grep -q '^SUMMARY' "$RUN/client.out" || fail "client: did not finish"

step "server-side evidence"
echo "-- Prosody slots handed out:"; grep -h 'Handing out upload slot' "$PROSODY_DIR/prosody.log" | cut -c1-300
echo "-- HmacAuthFilter rejections (FINE):"; grep -h -A1 'HmacAuthFilter' "$OUT2" | grep -h 'Rejected' | cut -c1-300
echo "-- stored files:"; find "$RUN/storage" -type f | sort | head -60

# Stop now (unless asked to keep them): the access log is buffered until Tomcat stops.
[ -z "${KEEP_RUNNING:-}" ] && { cleanup; TOMCAT_PID= PROSODY_PID=; }
echo "-- how each client spelled its PUT (Tomcat access log: aiohttp upper-cases escapes and sends ( ) ; = literally):"
grep -h '"PUT /upload/[0-9a-f-]\{36\}/' "$CATALINA_BASE"/logs/localhost_access_log.* | cut -d'"' -f2- | cut -c1-200

step "result"
echo "tomcat10 $TOMCAT_VERSION | prosody $PROSODY_VERSION | prosody-modules $MODULES_VERSION | slixmpp $SLIXMPP_VERSION"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && echo "OVERALL PASS" || echo "OVERALL FAIL"
[ "$FAILED" = 0 ]
