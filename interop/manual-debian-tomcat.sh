#!/bin/bash
# The WAR in a STOCK Debian Tomcat 10.1 (package tomcat10), configured only by a context descriptor,
# as an operator deploys it: by hand, re-runnable, not part of CI. (CI's interop/run.sh covers the
# XMPP side — Prosody and a real client — on an embedded Tomcat; this covers the Debian package.)
#   * a descriptor without the secret fails the deployment with a message naming the parameter;
#   * with it, the context starts, the secret is in no log, refusals are right, Expect: 100-continue
#     gets its 403 without a "100 Continue" (continueResponseTiming="onRead");
#   * a v2 upload (Unicode name) and a Bearer upload through the stock connector, downloaded again.
#
# Everything listens on 127.0.0.1 only, on a free port picked at start; Tomcat is stopped by its pid
# at the end. Nothing outside $RUN (default /tmp/interop-debian-tomcat) is written, apart from the WAR
# built in the repository's target/ and the Debian packages installed when missing.
#
# Usage: interop/manual-debian-tomcat.sh            (as root; exit status 0 only if every case passes)
#        KEEP_RUNNING=1 interop/manual-debian-tomcat.sh   leaves Tomcat up for poking around
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
RUN=${RUN:-/tmp/interop-debian-tomcat}
PY=/usr/bin/python3
SECRET=${SECRET:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}

PASSED=0 FAILED=0
pass() { echo "PASS $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
step() { echo; echo "=== $*"; }

TOMCAT_PID=
stop_pid() { # stop_pid NAME PID: SIGTERM, wait up to 20 s, then SIGKILL that one pid
    local name=$1 pid=$2 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid"
    for i in $(seq 40); do kill -0 "$pid" 2>/dev/null || { echo "stopped $name (pid $pid)"; return 0; }; sleep 0.5; done
    echo "$name (pid $pid) did not stop, killing it"; kill -9 "$pid"
}
cleanup() {
    if [ -n "${KEEP_RUNNING:-}" ]; then
        echo "KEEP_RUNNING set: Tomcat pid $TOMCAT_PID left running"; return
    fi
    stop_pid tomcat "$TOMCAT_PID"
}
trap cleanup EXIT

# --------------------------------------------------------------------------------------------------
step "packages"
# Debian bookworm: tomcat10 is Tomcat 10.1 (Jakarta Servlet 6).
missing=
for p in tomcat10 curl python3; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null \
        || { echo "apt-get install failed"; exit 2; }
fi
# (The package scripts try to start the system services; policy-rc.d blocks that here. We never use them.)
TOMCAT_VERSION=$(dpkg-query -W -f='${Version}' tomcat10)
echo "tomcat10 $TOMCAT_VERSION"

# --------------------------------------------------------------------------------------------------
step "build the WAR"
# -DskipTests: `mvn -B verify` runs the unit and container tests; this script checks interop only.
(cd "$REPO" && mvn -B -q -DskipTests package) || { echo "maven build failed"; exit 2; }
WAR=$REPO/target/http-upload-servlet.war
[ -f "$WAR" ] || { echo "no $WAR"; exit 2; }
ls -l "$WAR"

# --------------------------------------------------------------------------------------------------
step "fresh run directory $RUN and a free loopback port"
rm -rf "$RUN"
mkdir -p "$RUN"
HTTP_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "tomcat http 127.0.0.1:$HTTP_PORT"
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
#    checked (docs/deploying.md#connector): a refused upload is never transferred.
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
step "Tomcat case 3: uploads through the stock connector, signed as an XMPP server signs them"
# sign.py-like signing with the standard library only: a v2 token and a Prosody-style Bearer JWT.
sign() { # sign v2 PATH SIZE TYPE | sign bearer SLOT FILENAME SIZE TYPE
    SECRET="$SECRET" $PY - "$@" <<'PYEOF'
import base64, hashlib, hmac, json, os, sys, time
key = os.environ["SECRET"].encode()
if sys.argv[1] == "v2":
    path, size, ctype = sys.argv[2:5]
    print(hmac.new(key, f"{path}\0{size}\0{ctype}".encode(), hashlib.sha256).hexdigest())
else:
    slot, name, size, ctype = sys.argv[2:6]
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"slot": slot, "filename": name, "filesize": int(size), "filetype": ctype,
              "sub": "manual@localhost", "iat": now, "exp": now + 300, "expires": now + 86400}
    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(claims).encode())
    print(signing_input + "." + b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest()))
PYEOF
}
printf 'uploaded through Debian tomcat10\n' > "$RUN/hello.txt"
SIZE=$(stat -c %s "$RUN/hello.txt")
SLOT=$(cat /proc/sys/kernel/random/uuid)
# "très cool.txt": the URL carries the escapes, the token signs the decoded path.
status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: text/plain' --data-binary @"$RUN/hello.txt" \
    "${BASE_URL}$SLOT/tr%C3%A8s%20cool.txt?v2=$(sign v2 "$SLOT/très cool.txt" "$SIZE" text/plain)")
[ "$status" = 201 ] && pass "tomcat-put-v2: signed v2 PUT -> 201" || fail "tomcat-put-v2: -> $status"
curl -s -o "$RUN/hello.back" -D "$RUN/hello.headers" "${BASE_URL}$SLOT/tr%C3%A8s%20cool.txt"
if cmp -s "$RUN/hello.txt" "$RUN/hello.back" && grep -qi '^content-type: text/plain' "$RUN/hello.headers"; then
    pass "tomcat-get-v2: same bytes, text/plain"
else
    fail "tomcat-get-v2: bytes or type differ"; cat "$RUN/hello.headers"
fi
BSLOT=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary @"$RUN/hello.txt" \
    -H "Authorization: Bearer $(sign bearer "$BSLOT" hello.txt "$SIZE" text/plain)" "${BASE_URL}$BSLOT/hello.txt")
[ "$status" = 201 ] && pass "tomcat-put-bearer: Bearer PUT -> 201" || fail "tomcat-put-bearer: -> $status"
status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary @"$RUN/hello.txt" \
    -H "Authorization: Bearer $(SECRET=wrong sign bearer "$BSLOT" hello.txt "$SIZE" text/plain)" "${BASE_URL}$BSLOT/hello.txt")
[ "$status" = 401 ] && pass "tomcat-put-bearer-forged: -> 401" || fail "tomcat-put-bearer-forged: -> $status"
echo "-- stored files:"; find "$RUN/storage/files" -type f | sort

step "result"
echo "tomcat10 $TOMCAT_VERSION"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && echo "OVERALL PASS" || echo "OVERALL FAIL"
[ "$FAILED" = 0 ]
