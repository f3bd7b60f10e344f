#!/usr/bin/env bash
# CI interop run (called by .ci/run after `mvn -B verify`): the packaged WAR on an embedded Tomcat
# (io.github.httpupload.dev.WarServer, test scope), a private Prosody 0.12 with three upload
# components, and a real XMPP client (slixmpp) uploading through each of them:
#   upload-v1.localhost  prosody-modules mod_http_upload_external, protocol v1, the OLD secret
#   upload-v2.localhost  prosody-modules mod_http_upload_external, protocol v2, the NEW secret
#   share.localhost      Prosody's own mod_http_file_share, external mode (Authorization: Bearer JWT)
# The service is given both secrets, newline-separated (current first): v1 still signing with the
# old one is the secret-rotation case.
#
# Everything listens on 127.0.0.1; processes started here are stopped by pid on exit. Files go to
# $RUN (default: a new mktemp -d). Needs root on Debian bookworm (installs prosody, prosody-modules,
# python3-slixmpp when missing), Java 17 and Maven. Exit status 0 only if every check passed.
#
# BACKEND=s3 keeps the files in a bucket of a private S3Proxy (the S3 API server the tests use,
# target/s3proxy/s3proxy.jar, filesystem backend under $RUN/s3) instead of a directory.
#
# Usage: interop/run.sh        BACKEND=s3 interop/run.sh        RUN=/tmp/x interop/run.sh        KEEP_RUNNING=1 interop/run.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
RUN=${RUN:-$(mktemp -d /tmp/interop.XXXXXX)}
PY=/usr/bin/python3           # Debian's python: python3-slixmpp belongs to it, not to pyenv's python3
XMPP_USER=interop XMPP_PASS=interop-pass
MAX_SIZE=10485760             # 10 MiB: the service's and every component's limit
BACKEND=${BACKEND:-local}     # local | s3
case "$BACKEND" in local|s3) ;; *) echo "BACKEND must be local or s3, not $BACKEND"; exit 2;; esac
S3_PID= S3_SECRET=
START=$SECONDS

PASSED=0 FAILED=0
pass() { echo "PASS $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
step() { echo; echo "=== $* (+$((SECONDS - START)) s)"; }
die() { echo "ERROR: $*"; fail "setup: $*"; exit 2; }

WAR_PID= PROSODY_PID=
stop_pid() { # stop_pid NAME PID: SIGTERM, wait up to 20 s, then SIGKILL that one pid
    local name=$1 pid=$2 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 40); do kill -0 "$pid" 2>/dev/null || { echo "stopped $name (pid $pid)"; return 0; }; sleep 0.5; done
    echo "$name (pid $pid) did not stop, killing it"; kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
    local status=$?
    if [ -n "${KEEP_RUNNING:-}" ]; then
        echo "KEEP_RUNNING set: WarServer pid $WAR_PID, Prosody pid $PROSODY_PID left running"
    else
        stop_pid prosody "$PROSODY_PID"; stop_pid WarServer "$WAR_PID"; stop_pid S3Proxy "$S3_PID"
    fi
    echo "run directory: $RUN"
    exit "$status"
}
trap cleanup EXIT

mkdir -p "$RUN"
cd "$REPO"

# --------------------------------------------------------------------------------------------------
step "packages"
missing=
for p in prosody prosody-modules python3-slixmpp; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    # The packages' scripts try to start the system Prosody; policy-rc.d blocks that, and we never use it.
    apt-get update -q >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null || die "apt-get install$missing failed"
fi
PROSODY_VERSION=$(dpkg-query -W -f='${Version}' prosody)
MODULES_VERSION=$(dpkg-query -W -f='${Version}' prosody-modules)
SLIXMPP_VERSION=$($PY -c 'import slixmpp, aiohttp; print(slixmpp.__version__, "(aiohttp", aiohttp.__version__ + ")")')
JAVA_VERSION=$(java -version 2>&1 | head -1)
echo "prosody $PROSODY_VERSION, prosody-modules $MODULES_VERSION, slixmpp $SLIXMPP_VERSION, $JAVA_VERSION"

# --------------------------------------------------------------------------------------------------
step "WAR and WarServer"
WAR=$REPO/target/http-upload-servlet.war
if [ ! -f "$WAR" ] || [ ! -f target/test-classes/io/github/httpupload/dev/WarServer.class ] \
        || [ -n "$(find src pom.xml -newer "$WAR" -print -quit)" ]; then
    echo "no WAR, no compiled WarServer, or sources newer than the WAR: mvn -B -q -DskipTests package"
    mvn -B -q -DskipTests package || die "maven build failed"
fi
[ -f "$WAR" ] || die "no $WAR"
ls -l "$WAR"
# The test classpath (WarServer, embedded Tomcat) from the pom's exec-maven-plugin, which is
# configured with classpathScope=test. WarServer then runs as a plain JVM whose pid we own.
# (`exec:java -Dexec.mainClass=...` cannot be used: the pom's <mainClass> DevServer wins.)
mvn -B -q exec:exec -Dexec.executable=echo -Dexec.args=%classpath -Dexec.outputFile="$RUN/classpath.txt" \
    || die "could not get the test classpath from maven"

# --------------------------------------------------------------------------------------------------
if [ "$BACKEND" = s3 ]; then
    step "private S3Proxy ($RUN/s3)"
    S3_JAR=$REPO/target/s3proxy/s3proxy.jar
    [ -f "$S3_JAR" ] || mvn -B -q -DskipTests process-test-classes || die "could not copy S3Proxy"
    S3_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    S3_KEY=interop-access-key
    S3_SECRET=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
    mkdir -p "$RUN/s3/data/interop-files"        # a bucket of the filesystem backend is a directory
    cat > "$RUN/s3/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_KEY
s3proxy.credential=$S3_SECRET
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$RUN/s3/data
EOF
    java -Xmx256m -jar "$S3_JAR" --properties "$RUN/s3/s3proxy.conf" > "$RUN/s3/s3proxy.log" 2>&1 &
    S3_PID=$!
    for i in $(seq 120); do
        grep -q "Started .*ServerConnector" "$RUN/s3/s3proxy.log" && break
        kill -0 "$S3_PID" 2>/dev/null || { tail -20 "$RUN/s3/s3proxy.log"; S3_PID=; die "S3Proxy exited"; }
        sleep 0.5
    done
    grep -q "Started .*ServerConnector" "$RUN/s3/s3proxy.log" || die "S3Proxy not ready after 60 s"
    pass "s3proxy-start: http://127.0.0.1:$S3_PORT, bucket interop-files (pid $S3_PID)"
fi

# --------------------------------------------------------------------------------------------------
step "secrets, free port, service configuration"
NEW_SECRET=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
OLD_SECRET=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
# Prosody's c2s port (WarServer takes an ephemeral port itself and reports it).
C2S_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$RUN/storage" "$RUN/prosody/data" "$RUN/prosody/certs" "$RUN/plugins"
# Java properties: "\n" in a value is a newline. Current secret first, then the one being retired.
cat > "$RUN/service.properties" <<EOF
httpupload.secret=$NEW_SECRET\\n$OLD_SECRET
httpupload.maxFileSize=$MAX_SIZE
httpupload.expireAfter=P7D
EOF
if [ "$BACKEND" = s3 ]; then
    cat >> "$RUN/service.properties" <<EOF
httpupload.storage=s3
httpupload.s3.endpoint=http://127.0.0.1:$S3_PORT
httpupload.s3.bucket=interop-files
httpupload.s3.prefix=upload/
httpupload.s3.accessKeyId=$S3_KEY
httpupload.s3.secretAccessKey=$S3_SECRET
EOF
else
    echo "httpupload.storageDir=$RUN/storage" >> "$RUN/service.properties"
fi
chmod 600 "$RUN/service.properties"
sed -e "s/$NEW_SECRET/<new>/" -e "s/$OLD_SECRET/<old>/" -e "s/${S3_SECRET:-no-s3-secret}/<s3 secret>/" "$RUN/service.properties"
# The service's own debug lines (e.g. the exact string it signed, for a rejected token) go to its log.
cat > "$RUN/logging.properties" <<'EOF'
handlers = java.util.logging.ConsoleHandler
java.util.logging.ConsoleHandler.level = FINE
.level = INFO
io.github.httpupload.level = FINE
EOF

step "start WarServer"
rm -f "$RUN/http.port"
java -Djava.util.logging.config.file="$RUN/logging.properties" -cp "$(cat "$RUN/classpath.txt")" \
    io.github.httpupload.dev.WarServer "$WAR" "$RUN/service.properties" "$RUN/http.port" "$RUN/tomcat" \
    > "$RUN/warserver.log" 2>&1 &
WAR_PID=$!
for i in $(seq 120); do
    [ -s "$RUN/http.port" ] && break
    kill -0 "$WAR_PID" 2>/dev/null || { tail -40 "$RUN/warserver.log"; WAR_PID=; die "WarServer exited before it was ready"; }
    sleep 0.5
done
[ -s "$RUN/http.port" ] || { tail -40 "$RUN/warserver.log"; die "WarServer not ready after 60 s"; }
HTTP_PORT=$(cat "$RUN/http.port")
BASE_URL="http://127.0.0.1:$HTTP_PORT/upload/"
grep -E 'http-upload-servlet configuration|WARNING|SEVERE|WarServer:' "$RUN/warserver.log" | cut -c1-400 || true
pass "warserver-start: WAR deployed at $BASE_URL (pid $WAR_PID)"

# --------------------------------------------------------------------------------------------------
step "private copy of mod_http_upload_external, fixed for size refusals"
# Bookworm's module passes the <file-too-large> stanza as error_reply's 5th argument (error_by) where
# Prosody 0.12 expects a string: refusing a slot for size raises an error and the client never gets
# an answer. The copy builds the error reply, then adds the element to it. plugin_paths puts this
# directory before the system one.
SRC=/usr/lib/prosody/modules/mod_http_upload_external/mod_http_upload_external.lua
PATCHED=$RUN/plugins/mod_http_upload_external/mod_http_upload_external.lua
mkdir -p "$(dirname "$PATCHED")"
cp "$SRC" "$PATCHED"
sed -i -e 's/"not-acceptable", "File too large",$/"not-acceptable", "File too large")/' \
       -e 's/^\(\s*\)st\.stanza("file-too-large", {xmlns=xmlns})$/\1:add_child(st.stanza("file-too-large", {xmlns=xmlns})/' \
    "$PATCHED"
# A line in Prosody's log proves that this copy, not the system one, is what each component runs.
echo 'module:log("info", "Loaded the private copy with the size-refusal fix (interop/run.sh)");' >> "$PATCHED"
diff -u "$SRC" "$PATCHED" | tail -n +3 || true
# Exactly these three lines must differ; anything else means the module changed upstream.
if [ "$(diff "$SRC" "$PATCHED" | grep -c '^>')" = 3 ] \
    && grep -q '"not-acceptable", "File too large")$' "$PATCHED" \
    && grep -q ':add_child(st.stanza("file-too-large", {xmlns=xmlns})$' "$PATCHED"; then
    pass "module-patch: size refusal fixed in the private copy"
else
    die "the patch for mod_http_upload_external did not apply; see the diff above"
fi
if command -v luac5.4 >/dev/null; then luac5.4 -p "$PATCHED" || die "patched module does not compile"; fi

# --------------------------------------------------------------------------------------------------
step "private Prosody instance ($RUN/prosody)"
PROSODY_DIR=$RUN/prosody
PROSODY_CFG=$PROSODY_DIR/prosody.cfg.lua
# Option names: mod_http_upload_external.lua (<module>_base_url, _secret, _protocol, _file_size_limit)
# and /usr/lib/prosody/modules/mod_http_file_share.lua (_base_url, _secret, _size_limit, _expires_after).
cat > "$PROSODY_CFG" <<EOF
-- Private loopback-only Prosody for the CI interop run; not the system instance.
run_as_root = true                 -- CI runs as root; Prosody 0.12 refuses to start otherwise
pidfile = "$PROSODY_DIR/prosody.pid"
data_path = "$PROSODY_DIR/data"
certificates = "$PROSODY_DIR/certs" -- empty: no TLS
plugin_paths = { "$RUN/plugins" }  -- first: the fixed mod_http_upload_external
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

-- Not switched to the new secret yet: the service still accepts the old one.
Component "upload-v1.localhost" "http_upload_external"
    http_upload_external_base_url = "$BASE_URL"
    http_upload_external_secret = "$OLD_SECRET"
    http_upload_external_protocol = "v1"
    http_upload_external_file_size_limit = $MAX_SIZE

Component "upload-v2.localhost" "http_upload_external"
    http_upload_external_base_url = "$BASE_URL"
    http_upload_external_secret = "$NEW_SECRET"
    http_upload_external_protocol = "v2"
    http_upload_external_file_size_limit = $MAX_SIZE

-- Prosody's own module in external mode: with a base URL it opens no HTTP port and puts
-- "Authorization: Bearer <JWT>" into the slot's <put> as a <header>.
Component "share.localhost" "http_file_share"
    http_file_share_base_url = "$BASE_URL"
    http_file_share_secret = "$NEW_SECRET"
    http_file_share_size_limit = $MAX_SIZE
    http_file_share_expires_after = 86400
EOF
sed -e "s/$NEW_SECRET/<new>/" -e "s/$OLD_SECRET/<old>/" "$PROSODY_CFG" | grep -v '^\s*--' | grep -v '^$'
# run_as_root in the config also keeps prosodyctl from switching to the prosody user.
if prosodyctl --config "$PROSODY_CFG" register "$XMPP_USER" localhost "$XMPP_PASS"; then
    pass "prosody-register: $XMPP_USER@localhost"
else
    die "prosodyctl register failed"
fi

# -F: foreground, so $! is Prosody itself (the config option "daemonize" is deprecated in 0.12 and warns).
prosody -F --config "$PROSODY_CFG" > "$PROSODY_DIR/prosody.out" 2>&1 &
PROSODY_PID=$!
up=
for i in $(seq 60); do
    $PY -c "import socket; socket.create_connection(('127.0.0.1', $C2S_PORT), 1)" 2>/dev/null && { up=1; break; }
    kill -0 "$PROSODY_PID" 2>/dev/null || break
    sleep 0.5
done
if [ -z "$up" ]; then
    cat "$PROSODY_DIR/prosody.out"; tail -30 "$PROSODY_DIR/prosody.log"; die "Prosody did not start"
fi
pass "prosody-start: c2s on 127.0.0.1:$C2S_PORT (pid $PROSODY_PID)"
# No error or warning at start, and both http_upload_external components run the private copy.
ERRORS=$(grep -P '\t(error|warn)\t' "$PROSODY_DIR/prosody.log" || true)
PRIVATE=$(grep -c 'Loaded the private copy with the size-refusal fix' "$PROSODY_DIR/prosody.log" || true)
if [ -z "$ERRORS" ] && [ "$PRIVATE" = 2 ]; then
    pass "prosody-modules: no error or warning at start; both http_upload_external components run the private copy"
else
    echo "$ERRORS" | cut -c1-300
    fail "prosody-modules: errors at start, or the private copy loaded by $PRIVATE of 2 components"
fi
# Prosody listens on its c2s port only: mod_http_file_share with a base URL opens no HTTP port.
if command -v ss >/dev/null; then
    LISTEN=$(ss -Hltnp | grep "pid=$PROSODY_PID," | awk '{print $4}' | sort -u | tr '\n' ' ' || true)
    [ "$LISTEN" = "127.0.0.1:$C2S_PORT " ] && pass "prosody-listen: only $LISTEN" \
        || fail "prosody-listen: expected only 127.0.0.1:$C2S_PORT, got [$LISTEN]"
fi

# --------------------------------------------------------------------------------------------------
step "XMPP client (slixmpp $SLIXMPP_VERSION)"
CLIENT_START=$SECONDS
timeout 280 $PY "$HERE/xmpp_interop.py" --jid "$XMPP_USER@localhost" --password "$XMPP_PASS" \
    --port "$C2S_PORT" --base-url "$BASE_URL" \
    --lifetime upload-v1.localhost=604800 --lifetime upload-v2.localhost=604800 --lifetime share.localhost=86400 \
    upload-v1.localhost upload-v2.localhost share.localhost \
    | tee "$RUN/client.out" || true
CLIENT_SECONDS=$((SECONDS - CLIENT_START))
CLIENT_PASSED=$(grep -c '^PASS ' "$RUN/client.out" || true)
CLIENT_FAILED=$(grep -c '^FAIL ' "$RUN/client.out" || true)
PASSED=$((PASSED + CLIENT_PASSED)) FAILED=$((FAILED + CLIENT_FAILED))
grep -q '^SUMMARY' "$RUN/client.out" || fail "client: did not finish (killed after 280 s?)"

# Errors logged while serving (the unpatched module's crash would show up here).
ERRORS=$(grep -P '\t(error|warn)\t' "$PROSODY_DIR/prosody.log" || true)
[ -z "$ERRORS" ] && pass "prosody-log: no error or warning during the run" \
    || { echo "$ERRORS" | cut -c1-300; fail "prosody-log: errors or warnings during the run"; }
grep -q "$NEW_SECRET\|$OLD_SECRET\|${S3_SECRET:-no-s3-secret}" "$RUN/warserver.log" \
    && fail "service-log-secret: a secret appears in the service log" \
    || pass "service-log-secret: no secret is in the service log"

step "server-side evidence"
echo "-- Prosody slots handed out:"
grep -hE 'Handing out upload slot|Issuing upload slot' "$PROSODY_DIR/prosody.log" | cut -f2- | cut -c1-250 || true
echo "-- service warnings and rejections:"
grep -hE -A1 'WARNING|SEVERE|Reject|FINE' "$RUN/warserver.log" | grep -v '^--$' | cut -c1-300 | tail -40 || true
echo "-- stored files ($BACKEND):"
if [ "$BACKEND" = s3 ]; then
    find "$RUN/s3/data/interop-files" -type f | sed "s|^$RUN/s3/data/interop-files/||" | sort | head -40 || true
    STORED=$(find "$RUN/s3/data/interop-files/upload/files" -type f 2>/dev/null | wc -l)
    [ "$STORED" -gt 0 ] && pass "s3-objects: $STORED uploads are objects under upload/files/ in the bucket" \
        || fail "s3-objects: no object under upload/files/ in the bucket"
    [ -z "$(ls -A "$RUN/storage" 2>/dev/null)" ] && pass "s3-no-local-files: nothing was written to a local storage directory" \
        || fail "s3-no-local-files: $RUN/storage is not empty"
else
    find "$RUN/storage" -type f | sed "s|^$RUN/storage/||" | sort | head -40 || true
fi

# --------------------------------------------------------------------------------------------------
step "result"
echo "storage $BACKEND | prosody $PROSODY_VERSION | prosody-modules $MODULES_VERSION | slixmpp $SLIXMPP_VERSION | $JAVA_VERSION"
echo "client checks: $CLIENT_PASSED passed, $CLIENT_FAILED failed in ${CLIENT_SECONDS} s; whole run $((SECONDS - START)) s"
echo "SUMMARY interop ($BACKEND): $PASSED passed, $FAILED failed"
if [ "$FAILED" = 0 ]; then echo "OVERALL PASS"; exit 0; else echo "OVERALL FAIL"; exit 1; fi
