#!/bin/bash
# Benchmark: http-upload-servlet against nginx (the reference) and Tomcat's own DefaultServlet
# (the Java alternative), in one run on one machine; the same WAR also on Jetty 12, an empty
# servlet as Tomcat's floor, and our WAR with fsync on. See bench/README.md for what each row means.
#
#   sudo bench/run.sh                      full run (about 17 minutes on 2 cores, an estimate)
#   sudo DURATION=2 WARMUP=1 PUT_WARMUP=2 ROUNDS=1 BIG=0 S3=0 bench/run.sh   quick check that everything works
#
# Environment (all optional):
#   WAR=path.war     the WAR to measure; default: clone this repository's committed HEAD into the
#                    temp dir and build it there (never touches the working tree or its target/)
#   BASE_WAR=path.war  an earlier build of our WAR, measured as the server "base" (/upload-base in
#                    the same Tomcat, own storage dir, the settings of /upload): before and after
#                    from one run. BASE_LABEL names it in the report (default: its file name).
#   FSYNC=false      httpupload.fsync for our service at /upload and on Jetty (true|false). nginx
#                    and DefaultServlet never fsync, so false is the like-for-like setting; the
#                    "fsync" server (/upload-fsync) always has true.
#   SERVERS="nginx default floor ours fsync jetty"   which servers to measure, in the order of odd
#                    rounds (even rounds reverse it). floor runs get4k only, fsync put1m only; "base"
#                    (every row) is added to the default list when BASE_WAR is set.
#   WORKLOADS="get4k get1m range put1m"              which wrk rows to measure
#   DURATION=10      seconds per wrk cell      WARMUP=5   seconds of unmeasured warm-up per server
#   PUT_WARMUP=30    the same for the put1m row (C2 compiles the upload path for tens of seconds)
#   JETTY_PROJECT=.. a built checkout (target/test-classes, pom.xml) whose test class path runs
#                    dev/JettyWarServer; default: the clone built for the WAR, or this tree with WAR=
#   ROUNDS=2         measured rounds per workload (servers alternate inside each round); the
#                    report takes the median round (of 2: the better one)
#   BIG_MIB=256      size of the single large PUT/GET     PUT_URLS=200000 signed URLs per PUT cell
#   JVM_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC"             the same for every run
#   RESULTS_DIR=bench/results   where the markdown report goes    KEEP=1 keep the temp dir
#   S3=1             also measure the S3 backend: our WAR at /upload-s3 on a private S3Proxy, and
#                    the same S3Proxy directly (WORKLOADS and BIG apply); 0 skips it, "only" skips
#                    the nginx/DefaultServlet/ours rows (the servers still start, seed and probe)
#   S3PROXY_JAR=...  S3Proxy 4.1.0 jar-with-dependencies; default target/s3proxy/s3proxy.jar of
#                    this tree (mvn process-test-classes copies it), else the one in ~/.m2
#   S3PROXY_OPTS="-Xms256m -Xmx256m -XX:+UseG1GC"         S3Proxy's JVM flags
#
# Everything listens on 127.0.0.1 only, on free ports picked at start. Every process started here
# is stopped by its pid at exit, failure included, and the temp dir is removed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
PY=/usr/bin/python3                    # Debian's python: only the standard library is used
NGINX=/usr/sbin/nginx
. "$HERE/lib.sh"

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
PUT_WARMUP=${PUT_WARMUP:-30}     # put1m runs at ~400 req/s: 5 s leave C2 compiling the upload path during the cells
ROUNDS=${ROUNDS:-2}
FSYNC=${FSYNC:-false}
BIG_MIB=${BIG_MIB:-256}
WORKLOADS=${WORKLOADS:-get4k get1m range put1m}   # which wrk rows to measure (a subset for quick iterations)
BIG=${BIG:-1}                                      # 0 skips the single large PUT and GET
CONNECTOR_ATTRS=${CONNECTOR_ATTRS:-}                 # extra attributes for the Tomcat connector (tuning experiments)
PUT_URLS=${PUT_URLS:-200000}
JVM_OPTS=${JVM_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC}
S3=${S3:-1}
S3PROXY_OPTS=${S3PROXY_OPTS:--Xms256m -Xmx256m -XX:+UseG1GC}
S3_BUCKET=httpupload-bench             # one bucket: the service under svc/, direct requests under direct/
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
THREADS=2 CONNECTIONS=8                # wrk -t2 -c8 for every cell: the issue's "concurrency 8"
# Servers measured, in the order of odd rounds. Keys: nginx, default (DefaultServlet), floor (an
# empty servlet in the same Tomcat), ours (/upload), fsync (/upload-fsync: our WAR with fsync on),
# jetty (our WAR on Jetty 12). nginx and Tomcat with /default and /upload always start (seeding and
# probes use them); floor, fsync and jetty only when listed.
ALL_SERVERS="nginx default floor ours fsync jetty base"
DEFAULT_SERVERS="nginx default floor ours fsync jetty${BASE_WAR:+ base}"
read -r -a SERVERS <<< "${SERVERS:-$DEFAULT_SERVERS}"
MIB=1048576

case $FSYNC in true|false) ;; *) die "FSYNC must be true or false, not '$FSYNC'" ;; esac
case $S3 in 0|1|only) ;; *) die "S3 must be 0, 1 or only, not '$S3'" ;; esac
if [ "$S3" != 0 ]; then
    if [ -z "${S3PROXY_JAR:-}" ]; then
        S3PROXY_JAR=$REPO/target/s3proxy/s3proxy.jar
        [ -f "$S3PROXY_JAR" ] || S3PROXY_JAR=$HOME/.m2/repository/org/gaul/s3proxy/4.1.0/s3proxy-4.1.0-jar-with-dependencies.jar
    fi
    [ -f "$S3PROXY_JAR" ] || die "S3=1 needs S3Proxy: no $S3PROXY_JAR (run mvn process-test-classes, or set S3PROXY_JAR, or S3=0)"
fi
for server in "${SERVERS[@]}"; do
    [[ " $ALL_SERVERS " == *" $server "* ]] || die "SERVERS: unknown server '$server' (known: $ALL_SERVERS)"
done
[ ${#SERVERS[@]} -ge 1 ] || die "SERVERS is empty"
if [[ " ${SERVERS[*]} " == *" base "* ]]; then
    [ -f "${BASE_WAR:-}" ] || die "SERVERS has base: BASE_WAR must name an existing WAR, not '${BASE_WAR:-}'"
    BASE_WAR=$(readlink -f "$BASE_WAR") BASE_LABEL=${BASE_LABEL:-$(basename "$BASE_WAR" .war)}
fi
selected() { [[ " ${SERVERS[*]} " == *" $1 "* ]]; }
measures() { # measures SERVER WORKLOAD: whether that server has that row (putbig/getbig: the large transfers)
    case $1:$2 in
        floor:get4k|fsync:put1m) return 0 ;;
        floor:*|fsync:*) return 1 ;;   # the floor serves no files; fsync matters only for uploads
        *) return 0 ;;
    esac
}
for wl in $WORKLOADS; do
    case $wl in get4k|get1m|range|put1m) ;; *) die "WORKLOADS: unknown workload '$wl' (known: get4k get1m range put1m)" ;; esac
done
for v in DURATION WARMUP PUT_WARMUP ROUNDS BIG_MIB PUT_URLS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
[ "$ROUNDS" -ge 1 ] && [ "$DURATION" -ge 1 ] || die "ROUNDS and DURATION must be at least 1"
START_SECONDS=$SECONDS
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)   # other work on the machine shows up here

# ---------------------------------------------------------------------------------------------
# Packages. Debian's own nginx (has the dav module), wrk and tomcat10; their system services are
# never used (policy-rc.d blocks them here anyway): private instances are started below.
ensure_packages nginx wrk tomcat10 curl
$NGINX -V 2>&1 | grep -q -- --with-http_dav_module || die "this nginx has no dav module"

# ---------------------------------------------------------------------------------------------
# Temp dir, and cleanup that runs on every exit path.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/http-upload-bench.XXXXXX")
NGX_PID= TC_PID= SAMPLER_PID= S3P_PID= JSTAT_PID= STRACE_PID= JETTY_PID=
cleanup() {
    local rc=$?
    set +e
    stop_pid strace "$STRACE_PID"
    stop_pid rss-sampler "$SAMPLER_PID"
    stop_pid jstat "$JSTAT_PID"
    stop_pid nginx "$NGX_PID"
    stop_pid tomcat "$TC_PID"
    stop_pid jetty "$JETTY_PID"
    stop_pid s3proxy "$S3P_PID"
    if [ -n "${KEEP:-}" ]; then echo "KEEP set: temp dir $WORK left in place"; else rm -rf "$WORK"; fi
    [ $rc = 0 ] || echo "run.sh: FAILED (exit $rc)" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log "temp dir $WORK"

DATA=$WORK/data RAW=$WORK/raw URLS=$WORK/urls
mkdir -p "$DATA" "$RAW" "$URLS"
read -r NGX_PORT TC_PORT S3P_PORT < <($PY -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export BENCH_SECRET=$SECRET          # read by sign.py; never on a command line
sign() { $PY "$HERE/sign.py" token "$1" "$2"; }

# ---------------------------------------------------------------------------------------------
# The WAR: given, or built from a clone of the committed HEAD (another engineer may be editing the
# working tree; a clone sees only commits and builds in its own target/).
build_war

# ---------------------------------------------------------------------------------------------
# Test data: random bytes (nothing compressible), the same files for all three servers.
head -c 4096 /dev/urandom > "$DATA/4k.bin"
head -c $MIB /dev/urandom > "$DATA/1m.bin"
head -c $((BIG_MIB * MIB)) /dev/urandom > "$DATA/big.bin"

# ---------------------------------------------------------------------------------------------
# nginx: private prefix and config. worker_processes auto = one worker per core (2 here), the
# same cores Tomcat's JVM may use. keepalive_requests is raised so that, like Tomcat with
# maxKeepAliveRequests="-1", no server closes wrk's connections in the middle of a cell.
NGX=$WORK/nginx NGX_ROOT=$WORK/nginx/root
mkdir -p "$NGX/body-temp" "$NGX/temp" "$NGX_ROOT/dav/bench"
cat > "$NGX/nginx.conf" <<EOF
# Private nginx for bench/run.sh (generated).
daemon off;                 # foreground: \$! in run.sh is the master's pid
user root;                  # workers as the same user as Tomcat: both read and write the private 0700 temp dir
worker_processes auto;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log off;
    keepalive_requests 100000000;
    # Keep every temp path private (the compiled-in ones are under /var/lib/nginx).
    client_body_temp_path $NGX/body-temp;
    proxy_temp_path $NGX/temp/proxy;
    fastcgi_temp_path $NGX/temp/fastcgi;
    uwsgi_temp_path $NGX/temp/uwsgi;
    scgi_temp_path $NGX/temp/scgi;
    server {
        listen 127.0.0.1:$NGX_PORT;
        root $NGX_ROOT;
        location /dav/ {
            dav_methods PUT;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
            client_max_body_size 1g;
            # Same file system as the root: a finished PUT is renamed into place, not copied.
            client_body_temp_path $NGX/body-temp;
        }
    }
}
EOF
$NGINX -t -q -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" || die "nginx config test failed"
$NGINX -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" > "$NGX/stdout.log" 2>&1 &
NGX_PID=$!

# ---------------------------------------------------------------------------------------------
# Tomcat: one private instance (own CATALINA_BASE) with both contexts, so DefaultServlet and our
# WAR run in the same JVM with the same flags and connector. server.xml is written here rather
# than edited from Debian's: no SecurityListener (it refuses to run as root; Debian ships it
# commented out), no AccessLogValve (nginx logs nothing either), no autoDeploy scanning.
# continueResponseTiming="onRead" is what README.md recommends for the upload service.
STORE=$WORK/storage DEFAULT_APP=$WORK/default-app
mkdir -p "$DEFAULT_APP/WEB-INF" "$DEFAULT_APP/bench" "$DEFAULT_APP/put" "$DEFAULT_APP/big"
tomcat_base "maxKeepAliveRequests=\"-1\" $CONNECTOR_ATTRS"
$PY -c 'import re, sys; s = re.sub(r"<!--.*?-->", "", open(sys.argv[1]).read(), flags=re.S); sys.exit("SecurityListener" not in s)' \
    /etc/tomcat10/server.xml && log "note: Debian's server.xml has an active SecurityListener; the private server.xml has none"
# /default: Tomcat's DefaultServlet, writable. Named "default" so it replaces the read-only one
# that conf/web.xml declares for every context.
cat > "$DEFAULT_APP/WEB-INF/web.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
  <servlet>
    <servlet-name>default</servlet-name>
    <servlet-class>org.apache.catalina.servlets.DefaultServlet</servlet-class>
    <init-param><param-name>readonly</param-name><param-value>false</param-value></init-param>
    <init-param><param-name>listings</param-name><param-value>false</param-value></init-param>
    <load-on-startup>1</load-on-startup>
  </servlet>
  <servlet-mapping>
    <servlet-name>default</servlet-name>
    <url-pattern>/</url-pattern>
  </servlet-mapping>
</web-app>
EOF
echo "<Context docBase=\"$DEFAULT_APP\"/>" > "$CATALINA_BASE/conf/Catalina/localhost/default.xml"

# /floor: a servlet that answers every GET with 200 and Content-Length: 0 (bench/floor/EmptyServlet.java),
# mapped to /* like our WAR's servlet. What Tomcat's request cycle costs before any servlet work.
FLOOR_APP=$WORK/floor-app
if selected floor; then
    mkdir -p "$FLOOR_APP/WEB-INF/classes"
    javac --release 17 -cp "$CATALINA_HOME/lib/servlet-api.jar" -d "$FLOOR_APP/WEB-INF/classes" \
        "$HERE/floor/EmptyServlet.java" || die "javac of bench/floor/EmptyServlet.java failed"
    cat > "$FLOOR_APP/WEB-INF/web.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
  <servlet>
    <servlet-name>empty</servlet-name>
    <servlet-class>EmptyServlet</servlet-class>
    <load-on-startup>1</load-on-startup>
  </servlet>
  <servlet-mapping>
    <servlet-name>empty</servlet-name>
    <url-pattern>/*</url-pattern>
  </servlet-mapping>
</web-app>
EOF
    echo "<Context docBase=\"$FLOOR_APP\"/>" > "$CATALINA_BASE/conf/Catalina/localhost/floor.xml"
fi

# A second context of our WAR in the same Tomcat (a copy outside appBase) with its own storage dir.
war_context() { # war_context NAME WAR STORE FSYNC: the context /NAME
    mkdir -p "$3"
    cp "$2" "$WORK/$1.war"
    cat > "$CATALINA_BASE/conf/Catalina/localhost/$1.xml" <<EOF
<Context docBase="$WORK/$1.war">
  <Parameter name="httpupload.secret" value="$SECRET" override="false"/>
  <Parameter name="httpupload.storageDir" value="$3" override="false"/>
  <Parameter name="httpupload.fsync" value="$4" override="false"/>
  <Parameter name="httpupload.maxFileSize" value="1073741824" override="false"/>
</Context>
EOF
}
# /upload-fsync: our WAR with httpupload.fsync=true, so fsync on and off are measured in the same
# run on the put1m row.
FSYNC_STORE=$WORK/storage-fsync
if selected fsync; then war_context upload-fsync "$WAR" "$FSYNC_STORE" true; fi
# /upload-base: an earlier build of our WAR (BASE_WAR), with /upload's settings.
BASE_STORE=$WORK/storage-base
if selected base; then war_context upload-base "$BASE_WAR" "$BASE_STORE" "$FSYNC"; fi

# S3: a private S3Proxy (filesystem-nio2 backend under $WORK/s3, a bucket is a directory) started
# as the test suite starts it (testsupport/S3ProxyServer.java), but with authorization=none so that
# wrk and curl can GET/PUT http://127.0.0.1:PORT/bucket/key unsigned for the direct rows; the
# service still signs every request (SigV4 with throw-away keys) and S3Proxy ignores the signature.
# /upload-s3 is a second context of the same WAR (a copy outside appBase) with only S3 settings.
if [ "$S3" != 0 ]; then
    S3P=$WORK/s3 S3_DATA=$WORK/s3/data
    mkdir -p "$S3_DATA/$S3_BUCKET"
    cat > "$S3P/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$S3P_PORT
s3proxy.authorization=none
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$S3_DATA
EOF
    # exec: $! is the JVM itself (its CPU and RSS are measured by that pid)
    (exec java $S3PROXY_OPTS -jar "$S3PROXY_JAR" --properties "$S3P/s3proxy.conf") > "$S3P/s3proxy.log" 2>&1 &
    S3P_PID=$!
    for i in $(seq 120); do
        grep -q "Started .*ServerConnector.*{127.0.0.1:$S3P_PORT}" "$S3P/s3proxy.log" && break
        kill -0 "$S3P_PID" 2>/dev/null || { tail -30 "$S3P/s3proxy.log"; die "s3proxy exited"; }
        sleep 0.5
    done
    grep -q "Started .*ServerConnector" "$S3P/s3proxy.log" || die "s3proxy did not start in 60 s"
    cp "$WAR" "$WORK/upload-s3.war"
    cat > "$CATALINA_BASE/conf/Catalina/localhost/upload-s3.xml" <<EOF
<Context docBase="$WORK/upload-s3.war">
  <Parameter name="httpupload.secret" value="$SECRET" override="false"/>
  <Parameter name="httpupload.storage" value="s3" override="false"/>
  <Parameter name="httpupload.s3.bucket" value="$S3_BUCKET" override="false"/>
  <Parameter name="httpupload.s3.prefix" value="svc/" override="false"/>
  <Parameter name="httpupload.s3.endpoint" value="http://127.0.0.1:$S3P_PORT" override="false"/>
  <Parameter name="httpupload.s3.accessKeyId" value="bench-access-key" override="false"/>
  <Parameter name="httpupload.s3.secretAccessKey" value="bench-secret-key" override="false"/>
  <Parameter name="httpupload.maxFileSize" value="1073741824" override="false"/>
</Context>
EOF
    log "s3proxy pid $S3P_PID on 127.0.0.1:$S3P_PORT (authorization=none), bucket $S3_BUCKET"
fi
start_tomcat

# Jetty 12 (ee10): our WAR at /upload of its own JVM (dev/JettyWarServer: a WebAppContext with the
# context parameters our /upload has, as an operator's webapps/upload.xml sets them; see that class
# for the Jetty settings), with the same JVM_OPTS as Tomcat. Its class path is the test classes and
# test-scope jars of a built checkout (Jetty itself is a test dependency; not target/classes: the
# WAR brings its own). The JVM picks a free 127.0.0.1 port and writes it to a file once the context
# is available; it exits 1 if the context fails.
JETTY=$WORK/jetty JETTY_STORE=$WORK/storage-jetty
if selected jetty; then
    if [ -z "${JETTY_PROJECT:-}" ]; then
        [ -d "$WORK/src/target" ] && JETTY_PROJECT=$WORK/src || JETTY_PROJECT=$REPO
    fi
    [ -f "$JETTY_PROJECT/target/test-classes/io/github/httpupload/dev/JettyWarServer.class" ] \
        || die "jetty: no JettyWarServer.class under $JETTY_PROJECT/target/test-classes (run mvn -B -q -o test-compile there, set JETTY_PROJECT, or leave jetty out of SERVERS)"
    mkdir -p "$JETTY" "$JETTY_STORE"
    (cd "$JETTY_PROJECT" && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$JETTY/classpath.txt" \
        -Dmdep.includeScope=test) > "$JETTY/mvn.log" 2>&1 || { tail -20 "$JETTY/mvn.log"; die "jetty: mvn dependency:build-classpath failed in $JETTY_PROJECT"; }
    cat > "$JETTY/context.properties" <<EOF
httpupload.secret=$SECRET
httpupload.storageDir=$JETTY_STORE
httpupload.fsync=$FSYNC
httpupload.maxFileSize=1073741824
EOF
    # exec: $! is the JVM itself (its CPU and RSS are measured by that pid)
    (exec java $JVM_OPTS -cp "$JETTY_PROJECT/target/test-classes:$(cat "$JETTY/classpath.txt")" \
        io.github.httpupload.dev.JettyWarServer "$WAR" "$JETTY/context.properties" "$JETTY/port" "$JETTY/base") \
        > "$JETTY/jetty.log" 2>&1 &
    JETTY_PID=$!
    for i in $(seq 120); do
        [ -s "$JETTY/port" ] && break
        kill -0 "$JETTY_PID" 2>/dev/null || { tail -30 "$JETTY/jetty.log"; die "jetty exited (context failed?)"; }
        sleep 0.5
    done
    [ -s "$JETTY/port" ] || { tail -30 "$JETTY/jetty.log"; die "jetty did not start in 60 s"; }
    JETTY_PORT=$(cat "$JETTY/port")
    [ "$(cat "/proc/$JETTY_PID/comm")" = java ] || die "pid $JETTY_PID is not the JVM"
    JETTY_VERSION=$(sed -n 's/.* on Jetty \([^ ]*\) at .*/\1/p' "$JETTY/jetty.log" | head -1)
    log "jetty $JETTY_VERSION pid $JETTY_PID on 127.0.0.1:$JETTY_PORT (class path from $JETTY_PROJECT)"
fi

wait_http() { # wait_http NAME URL PID: until the server answers at all (any status)
    local i
    for i in $(seq 120); do
        kill -0 "$3" 2>/dev/null || return 1
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$2")" != 000 ] && return 0
        sleep 0.5
    done
    return 1
}
wait_http nginx "http://127.0.0.1:$NGX_PORT/" "$NGX_PID" || { cat "$NGX/error.log"; die "nginx did not start"; }
log "nginx pid $NGX_PID on 127.0.0.1:$NGX_PORT; tomcat pid $TC_PID on 127.0.0.1:$TC_PORT"

declare -A BASE=(
    [nginx]="http://127.0.0.1:$NGX_PORT/dav"
    [default]="http://127.0.0.1:$TC_PORT/default"
    [ours]="http://127.0.0.1:$TC_PORT/upload"
    [floor]="http://127.0.0.1:$TC_PORT/floor"
    [fsync]="http://127.0.0.1:$TC_PORT/upload-fsync"
    [base]="http://127.0.0.1:$TC_PORT/upload-base"
    [jetty]="http://127.0.0.1:${JETTY_PORT:-0}/upload"
    [s3svc]="http://127.0.0.1:$TC_PORT/upload-s3"
    [s3direct]="http://127.0.0.1:$S3P_PORT/$S3_BUCKET/direct"
)
declare -A LABEL=([nginx]=nginx [default]=DefaultServlet [ours]=ours [s3svc]="ours on S3" [s3direct]="S3Proxy direct"
    [floor]="empty servlet (Tomcat floor)" [fsync]="ours, fsync on" [jetty]="ours on Jetty"
    [base]="ours @ ${BASE_LABEL:-base}")

# ---------------------------------------------------------------------------------------------
# Measuring helpers.
server_pids() { # the processes whose CPU is the server's: nginx master + workers, or the JVM
    case $1 in
        nginx) echo "$NGX_PID" $(pgrep -P "$NGX_PID") ;;
        s3svc) echo "$TC_PID" "$S3P_PID" ;;    # the service's cost includes the store's
        s3direct) echo "$S3P_PID" ;;
        jetty) echo "$JETTY_PID" ;;
        *) echo "$TC_PID" ;;        # default, floor, ours, fsync, base: contexts of the one Tomcat JVM
    esac
}
cpu_ticks() { # cpu_ticks PID... -> "utime stime" summed, clock ticks (fields 14, 15 of /proc/PID/stat)
    local u=0 s=0 pid stat f
    for pid in "$@"; do
        read -r stat < "/proc/$pid/stat"
        stat=${stat##*) }        # drop "pid (comm) ": comm could contain spaces
        read -r -a f <<< "$stat" # f[0] is field 3 (state), so utime is f[11], stime f[12]
        u=$((u + f[11])) s=$((s + f[12]))
    done
    echo "$u $s"
}
# After wrk stops, a server may still be finishing requests whose bodies were already in its socket
# buffers (PUT under writeback pressure takes milliseconds). Wait until its CPU time stops moving
# (no tick in 200 ms, at most 10 s) before the "after" sample and before deleting uploads.
settle() { # settle PID...
    local prev now i
    prev=$(cpu_ticks "$@")
    for i in $(seq 50); do
        sleep 0.2
        now=$(cpu_ticks "$@")
        [ "$now" = "$prev" ] && return 0
        prev=$now
    done
}
# PUT URL for our service: signed with a v1 token for the exact Content-Length.
is_ours() { case $1 in ours|fsync|jetty|base|s3svc) return 0 ;; *) return 1 ;; esac; }  # our WAR: PUTs need a token
put_url() { # put_url SERVER SLOT_PATH SIZE
    if is_ours "$1"; then echo "${BASE[$1]}/$2?v=$(sign "$2" "$3")"; else echo "${BASE[$1]}/$2"; fi
}
# Removes what a PUT cell stored, then flushes: dirty pages of one cell must not be written back
# while the next one is measured (deleting first means most of them are never written at all).
SEED_MARK=$WORK/seeded.mark
remove_uploads() { # remove_uploads SERVER
    case $1 in
        nginx) rm -rf "$NGX_ROOT/dav/put" "$NGX_ROOT/dav/big" ;;
        default) find "$DEFAULT_APP/put" "$DEFAULT_APP/big" -mindepth 1 -delete ;;
        # Whatever the store's layout: every file newer than the seeds is benchmark data.
        ours) find "$STORE" -type f -newer "$SEED_MARK" -delete ;;
        fsync) find "$FSYNC_STORE" -type f -newer "$SEED_MARK" -delete ;;
        base) find "$BASE_STORE" -type f -newer "$SEED_MARK" -delete ;;
        jetty) find "$JETTY_STORE" -type f -newer "$SEED_MARK" -delete ;;
        # S3Proxy's filesystem-nio2 keeps one file per object and reads the disk on every
        # request, so objects can be removed behind its back (nothing reads them again).
        s3svc) find "$S3_DATA/$S3_BUCKET/svc" -type f -newer "$SEED_MARK" -delete ;;
        s3direct) rm -rf "$S3_DATA/$S3_BUCKET/direct/put" "$S3_DATA/$S3_BUCKET/direct/big" ;;
    esac
    sync
}

CELLS=$RAW/cells.tsv
# store_ticks: user+sys ticks of S3Proxy within user_ticks+sys_ticks (S3 rows; "-" elsewhere).
# heap: for the S3 large transfers, "max_used_kib/young_gcs/gc_ms/start_used_kib" of the JVM whose
# RSS is sampled (jstat -gc every 100 ms), "-" elsewhere.
# closed: connections closed during a wrk cell, wrk's own at its exit included (time_wait; "-" for curl).
printf 'workload\tserver\tround\trequests\tduration_us\tbytes_received\tbytes_sent\tuser_ticks\tsys_ticks\tstatuses\tstatus_gt399\tsock_errors\trss_kib\tp50_us\tp99_us\tstore_ticks\theap\tclosed\n' > "$CELLS"
CLK_TCK=$(getconf CLK_TCK)

show_cell() { # one progress line: workload round server requests seconds user_ticks sys_ticks statuses
    awk -v w="$1" -v r="$2" -v s="$3" -v n="$4" -v d="$5" -v u="$6" -v y="$7" -v st="$8" -v hz="$CLK_TCK" 'BEGIN {
        n = (n > 0 ? n : 1)
        printf "  %-6s %-5s %-14s %8.1f req/s  user %8.1f  sys %8.1f  total %8.1f us/req  [%s]\n",
            w, r, s, n / d, u * 1e6 / hz / n, y * 1e6 / hz / n, (u + y) * 1e6 / hz / n, st }'
}

# Keep-alive check: wrk reconnects silently when a server closes a keep-alive connection (no error
# is counted), so count closed connections directly. Whichever end closes a TCP connection first
# keeps it in TIME-WAIT for 60 s (a close racing the server's may land on either end), so the
# TIME-WAIT sockets of the server's port (either end) that are new after a cell are the connections
# closed during it: at most CONNECTIONS + 1 (wrk's test connection at start-up, wrk.resolve's
# wrk.connect, and its CONNECTIONS at exit; fewer if some end with a reset, responses still
# arriving), more only if connections were closed and reopened during the cell.
time_wait() { ss -Htan state time-wait "( sport = :$1 or dport = :$1 )" | awk '{ print $3, $4 }' | sort; }  # time_wait PORT

# One wrk cell: CPU of the server before and after, wrk's RESULT line, a row in cells.tsv.
wrk_cell() { # wrk_cell ROUND WORKLOAD SERVER SECONDS   (ROUND "warm" is not recorded)
    local round=$1 wl=$2 server=$3 secs=$4 base=${BASE[$3]}
    local url script args=() out="$RAW/$wl-$round-$server.txt" cell="$wl-$round-$server"
    case $wl in
        get4k) url=$base/bench/4k.bin script=get.lua ;;
        # count=0: no per-response body copy inside wrk for 1 MiB bodies (see wrk/report.lua)
        get1m) url=$base/bench/1m.bin script=get.lua args=(count=0) ;;
        range) url=$base/bench/1m.bin script=get.lua args=("range=bytes=0-65535") ;;
        put1m) url=$base/ script=put.lua args=(size=$MIB threads=$THREADS)
            if is_ours "$server"; then
                $PY "$HERE/sign.py" urls "/${base##*/}/" "put/$cell" "$PUT_URLS" $MIB > "$URLS/$cell.txt"
                args+=("urls=$URLS/$cell.txt")
            else
                args+=("prefix=/${base#http://*/}/put/$cell")
                [ "$server" = default ] && mkdir -p "$DEFAULT_APP/put/$cell"  # it does not create directories
            fi ;;
    esac
    sync
    local pids before after store_before= store_after= port tw_before closes   # closes: closed connections
    pids=$(server_pids "$server")
    port=${base#http://127.0.0.1:} port=${port%%/*}
    tw_before=$(time_wait "$port")
    before=$(cpu_ticks $pids)
    is_s3 "$server" && store_before=$(cpu_ticks "$S3P_PID")
    BENCH_WRK_DIR=$HERE/wrk wrk -t$THREADS -c$CONNECTIONS -d"${secs}s" --timeout 30s \
        -s "$HERE/wrk/$script" "$url" -- "${args[@]}" > "$out" 2>&1 || true
    settle $pids
    after=$(cpu_ticks $pids)
    is_s3 "$server" && store_after=$(cpu_ticks "$S3P_PID")
    closes=$(comm -13 <(echo "$tw_before") <(time_wait "$port") | grep -c . || true)
    [ "$wl" = put1m ] && remove_uploads "$server"
    [ "$wl" = put1m ] && rm -f "$URLS/$cell.txt"
    local line; line=$(sed -n 's/^RESULT //p' "$out")
    [ -n "$line" ] || { cat "$out"; die "wrk gave no result for $cell"; }
    local -A R=(); local kv
    for kv in $line; do R[${kv%%=*}]=${kv#*=}; done
    local bu bs au as; read -r bu bs <<< "$before"; read -r au as <<< "$after"
    local sent=0; [ "$wl" = put1m ] && sent=$((R[requests] * MIB))
    show_cell "$wl" "$round" "${LABEL[$server]}" "${R[requests]}" "$(awk -v d="${R[duration_us]}" 'BEGIN{print d/1e6}')" \
        $((au - bu)) $((as - bs)) "${R[statuses]}"
    [ "$closes" -le $((CONNECTIONS + 1)) ] || echo "         $closes connections closed during the cell (wrk opened $((CONNECTIONS + 1))): reconnects"
    [[ $round == r[0-9]* ]] || return 0     # warm-up and profile cells are not recorded
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t%s\n' "$wl" "$server" "$round" \
        "${R[requests]}" "${R[duration_us]}" "${R[bytes]}" "$sent" $((au - bu)) $((as - bs)) \
        "${R[statuses]}" "${R[status_gt399]}" "${R[connect]}/${R[read]}/${R[write]}/${R[timeout]}" - \
        "${R[p50_us]}" "${R[p99_us]}" "$(tick_delta "$store_before" "$store_after")" "$closes" >> "$CELLS"
}
is_s3() { [ "$1" = s3svc ] || [ "$1" = s3direct ]; }
tick_delta() { # tick_delta "U S" "U S" -> (u+s) after minus before, or "-" if not sampled
    [ -n "$1" ] || { echo -; return; }
    local bu bs au as; read -r bu bs <<< "$1"; read -r au as <<< "$2"; echo $((au + as - bu - bs))
}

# The single large PUT (with RSS sampling) and GET of the file just stored, both with curl.
# For the S3 rows memory is sampled during both transfers, of the JVM that serves them (Tomcat for
# "ours on S3", S3Proxy for "direct"): VmRSS by rss_sampler.py and the heap by jstat.
big_cells() { # big_cells ROUND SERVER
    local round=$1 server=$2 slot="big/$1-$2.bin" size=$((BIG_MIB * MIB))
    local pids before after code t bytes sb= sa= mem
    pids=$(server_pids "$server")
    sync
    start_mem_sampling "$RAW/rss-$1-$2.txt" "$RAW/heap-$1-$2.txt" "$server" $pids
    before=$(cpu_ticks $pids)
    is_s3 "$server" && sb=$(cpu_ticks "$S3P_PID")
    # "Expect:" off: time the transfer, not curl's wait for 100 Continue (XMPP clients send none).
    read -r code t bytes < <(curl -sS -o /dev/null -T "$DATA/big.bin" -H 'Expect:' \
        -H 'Content-Type: application/octet-stream' -w '%{http_code} %{time_total} %{size_upload}\n' \
        "$(put_url "$server" "$slot" "$size")" || echo "000 0 0")
    is_s3 "$server" && settle $pids    # the service may still be finishing the store's PutObject
    after=$(cpu_ticks $pids)
    is_s3 "$server" && sa=$(cpu_ticks "$S3P_PID")
    stop_mem_sampling "$RAW/rss-$1-$2.txt" "$RAW/heap-$1-$2.txt"
    record_big putbig "$round" "$server" "$code" "$t" 0 "$bytes" "$before" "$after" "$MEM_RSS" \
        "$(tick_delta "$sb" "$sa")" "$MEM_HEAP"

    sync   # the upload's dirty pages are written back now, not during the GET
    if is_s3 "$server"; then
        start_mem_sampling "$RAW/rss-get-$1-$2.txt" "$RAW/heap-get-$1-$2.txt" "$server" $pids
        sb=$(cpu_ticks "$S3P_PID")
    fi
    before=$(cpu_ticks $pids)
    read -r code t bytes < <(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{size_download}\n' \
        "${BASE[$server]}/$slot" || echo "000 0 0")
    after=$(cpu_ticks $pids)
    MEM_RSS=- MEM_HEAP=-
    if is_s3 "$server"; then
        sa=$(cpu_ticks "$S3P_PID")
        stop_mem_sampling "$RAW/rss-get-$1-$2.txt" "$RAW/heap-get-$1-$2.txt"
    fi
    record_big getbig "$round" "$server" "$code" "$t" "$bytes" 0 "$before" "$after" "$MEM_RSS" \
        "$(tick_delta "$sb" "$sa")" "$MEM_HEAP"
    remove_uploads "$server"
}
start_mem_sampling() { # start_mem_sampling RSS_FILE HEAP_FILE SERVER PID...: RSS of the PIDs (S3: the JVM that serves), jstat for S3
    local rss_file=$1 heap_file=$2 server=$3 i; shift 3
    case $server in s3svc) set -- "$TC_PID" ;; s3direct) set -- "$S3P_PID" ;; esac
    $PY "$HERE/rss_sampler.py" "$rss_file" "$@" &
    SAMPLER_PID=$!
    if is_s3 "$server"; then
        jstat -gc "$1" 100 > "$heap_file" 2>&1 &
        JSTAT_PID=$!
    fi
    for i in $(seq 200); do
        [ -s "$rss_file" ] && { [ -z "$JSTAT_PID" ] || [ "$(wc -l < "$heap_file")" -ge 2 ]; } && break
        sleep 0.05
    done
}
# Sets MEM_RSS ("growth/start" KiB) and MEM_HEAP ("max_used/young_gcs/gc_ms/start_used" KiB, or
# "-"). Runs in the main shell (not in $(...)): only there can it wait for the samplers it stops.
stop_mem_sampling() { # stop_mem_sampling RSS_FILE HEAP_FILE
    local rss_file=$1 heap_file=$2 start_kib max_kib heap=-
    kill "$SAMPLER_PID"; wait "$SAMPLER_PID" || true; SAMPLER_PID=   # SIGTERM: it writes max_kib
    start_kib=$(sed -n 's/^start_kib=//p' "$rss_file"); max_kib=$(sed -n 's/^max_kib=\([0-9]*\).*/\1/p' "$rss_file")
    if [ -n "$JSTAT_PID" ]; then
        sleep 0.15; kill "$JSTAT_PID"; wait "$JSTAT_PID" 2>/dev/null || true; JSTAT_PID=
        # columns by name: used = S0U + S1U + EU + OU (KiB); YGC count and YGCT+CGCT+FGCT seconds
        heap=$(awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
            $1 ~ /^[0-9.]+$/ { u = $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"]; if (n++ == 0) { u0 = u; y0 = $c["YGC"]; g0 = $c["GCT"] }
                if (u > m) m = u; y = $c["YGC"]; g = $c["GCT"] }
            END { if (n) printf "%d/%d/%d/%d", m, y - y0, (g - g0) * 1000, u0; else print "-" }' "$heap_file")
    fi
    MEM_RSS="$((max_kib - start_kib))/$start_kib" MEM_HEAP=$heap
}
record_big() { # record_big WORKLOAD ROUND SERVER CODE SECONDS RECEIVED SENT BEFORE AFTER RSS STORE_TICKS HEAP
    local bu bs au as us; read -r bu bs <<< "$8"; read -r au as <<< "$9"
    us=$(awk -v t="$5" 'BEGIN { printf "%d", t * 1e6 }')
    show_cell "$1" "$2" "${LABEL[$3]}" 1 "$5" $((au - bu)) $((as - bs)) "$4:1"
    [ "${10}" != - ] && echo "         RSS during the transfer: +$(( ${10%/*} / 1024 )) MiB over $(( ${10#*/} / 1024 )) MiB"
    [ "${12:--}" != - ] && echo "         heap (max used/young GCs/GC ms/used at start, KiB): ${12}"
    printf '%s\t%s\t%s\t1\t%s\t%s\t%s\t%s\t%s\t%s\t0\t0/0/0/0\t%s\t-\t-\t%s\t%s\t-\n' "$1" "$3" "$2" "$us" "$6" "$7" \
        $((au - bu)) $((as - bs)) "$4:1" "${10}" "${11:--}" "${12:--}" >> "$CELLS"
}

# ---------------------------------------------------------------------------------------------
# Every file server that runs (nginx, /default and /upload always; /upload-fsync and Jetty when
# selected) gets the same files; our WAR's instances by a signed v1 PUT each.
FILE_SERVERS=(nginx default ours)
selected fsync && FILE_SERVERS+=(fsync)
selected jetty && FILE_SERVERS+=(jetty)
selected base && FILE_SERVERS+=(base)
log "seeding identical files: nginx root, DefaultServlet docBase, our WAR (signed v1 PUT): ${FILE_SERVERS[*]}"
for f in 4k.bin 1m.bin; do
    cp "$DATA/$f" "$NGX_ROOT/dav/bench/$f"
    cp "$DATA/$f" "$DEFAULT_APP/bench/$f"
    for server in "${FILE_SERVERS[@]}"; do
        is_ours "$server" || continue
        code=$(curl -sS -o /dev/null -w '%{http_code}' -T "$DATA/$f" -H 'Expect:' -H 'Content-Type: application/octet-stream' \
            "$(put_url "$server" "bench/$f" "$(stat -c %s "$DATA/$f")")")
        [ "$code" = 201 ] || die "seeding $f into ${LABEL[$server]}: HTTP $code"
    done
done
for server in "${FILE_SERVERS[@]}"; do
    for f in 4k.bin 1m.bin; do
        code=$(curl -sS -o "$WORK/check.bin" -w '%{http_code}' "${BASE[$server]}/bench/$f")
        [ "$code" = 200 ] && cmp -s "$WORK/check.bin" "$DATA/$f" || die "GET $f from ${LABEL[$server]}: HTTP $code or different bytes"
    done
done
log "all ${#FILE_SERVERS[@]} file servers return the same bytes for 4k.bin and 1m.bin"
if selected floor; then
    # the floor's whole answer: 200, Content-Length: 0, no body
    read -r code size < <(curl -sS -o "$WORK/check.bin" -D "$WORK/check.headers" -w '%{http_code} %{size_download}\n' "${BASE[floor]}/bench/4k.bin")
    [ "$code" = 200 ] && [ "$size" = 0 ] && grep -qi '^content-length: 0' "$WORK/check.headers" \
        || die "GET from ${LABEL[floor]}: HTTP $code, $size bytes (expected 200, Content-Length: 0)"
    log "the floor answers 200 with Content-Length: 0; headers: $(tr -d '\r' < "$WORK/check.headers" | sed '1d;/^$/d' | cut -d: -f1 | paste -sd, -)"
fi
S3_SERVERS=(s3svc s3direct)
if [ "$S3" != 0 ]; then
    for f in 4k.bin 1m.bin; do
        for server in "${S3_SERVERS[@]}"; do
            code=$(curl -sS -o /dev/null -w '%{http_code}' -T "$DATA/$f" -H 'Expect:' -H 'Content-Type: application/octet-stream' \
                "$(put_url "$server" "bench/$f" "$(stat -c %s "$DATA/$f")")")
            case $server:$code in s3svc:201|s3direct:200) ;; *) die "seeding $f into ${LABEL[$server]}: HTTP $code" ;; esac
            code=$(curl -sS -o "$WORK/check.bin" -w '%{http_code}' "${BASE[$server]}/bench/$f")
            [ "$code" = 200 ] && cmp -s "$WORK/check.bin" "$DATA/$f" || die "GET $f from ${LABEL[$server]}: HTTP $code or different bytes"
        done
    done
    log "our service on S3 and S3Proxy directly return the same bytes for 4k.bin and 1m.bin"
fi

# Protocol probes: how each server answers what the benchmark cannot show in a throughput figure.
NOTES=$RAW/notes.txt
: > "$NOTES"
probe_line() { # summarises one probe across the servers
    local what=$1; shift
    echo "$what: $*" >> "$NOTES"; log "probe: $what: $*"
}
mkdir -p "$DEFAULT_APP/probe"   # DefaultServlet does not create directories (see the last probe)
PROBE_SERVERS=(nginx default ours)    # /upload-fsync is the same WAR as /upload: the same answers
selected jetty && PROBE_SERVERS+=(jetty)
answers=()
for server in "${PROBE_SERVERS[@]}"; do
    answers+=("${LABEL[$server]} $(curl -sS -o /dev/null -H 'Range: bytes=0-65535' \
        -w '%{http_code}, %{size_download} bytes' "${BASE[$server]}/bench/1m.bin")")
done
probe_line "GET Range: bytes=0-65535 of the 1 MiB file" "$(IFS=';'; echo "${answers[*]}" | sed 's/;/; /g')"
answers=()
for server in "${PROBE_SERVERS[@]}"; do
    first=$(curl -sS -o /dev/null -w '%{http_code}' -T "$DATA/4k.bin" "$(put_url "$server" probe/twice.bin 4096)")
    second=$(curl -sS -o /dev/null -w '%{http_code}' -T "$DATA/1m.bin" "$(put_url "$server" probe/twice.bin $MIB)")
    size=$(curl -sS -o /dev/null -w '%{size_download}' "${BASE[$server]}/probe/twice.bin")
    answers+=("${LABEL[$server]} $first then $second, now $size bytes")
done
probe_line "PUT twice to the same path (4 KiB, then 1 MiB)" "$(IFS=';'; echo "${answers[*]}" | sed 's/;/; /g')"
answers=()
for server in nginx default; do
    answers+=("${LABEL[$server]} $(curl -sS -o /dev/null -w '%{http_code}' -T "$DATA/4k.bin" "${BASE[$server]}/no-such-dir/x/y.bin")")
done
probe_line "PUT into a directory that does not exist yet (ours has no directories)" "$(IFS=';'; echo "${answers[*]}" | sed 's/;/; /g')"
if [ "$S3" != 0 ]; then
    answers=()
    for server in "${S3_SERVERS[@]}"; do
        range=$(curl -sS -o /dev/null -H 'Range: bytes=0-65535' -w '%{http_code}, %{size_download} bytes' "${BASE[$server]}/bench/1m.bin")
        first=$(curl -sS -o /dev/null -w '%{http_code}' -T "$DATA/4k.bin" "$(put_url "$server" probe/twice.bin 4096)")
        second=$(curl -sS -o /dev/null -w '%{http_code}' -T "$DATA/1m.bin" "$(put_url "$server" probe/twice.bin $MIB)")
        size=$(curl -sS -o /dev/null -w '%{size_download}' "${BASE[$server]}/probe/twice.bin")
        answers+=("${LABEL[$server]}: Range $range; PUT twice $first then $second, now $size bytes")
    done
    probe_line "S3 (Range bytes=0-65535 of 1 MiB; PUT 4 KiB then 1 MiB to one path)" "$(IFS=';'; echo "${answers[*]}" | sed 's/;/; /g')"
fi
rm -rf "$NGX_ROOT/dav/probe" "$NGX_ROOT/dav/no-such-dir" "$DEFAULT_APP/probe" "$DEFAULT_APP/no-such-dir"
touch "$SEED_MARK"     # everything our service stores after this is benchmark data (remove_uploads)

# ---------------------------------------------------------------------------------------------
# The measurements. Per workload: an unmeasured warm-up of every server (JIT, page cache), then
# ROUNDS rounds in which the servers take turns; even rounds run in reverse order, so no server
# always follows the same one (page cache and writeback state drift within a run). Only the servers
# that have the row take part (measures: the floor only in get4k, fsync only in put1m). The put1m
# warm-up is PUT_WARMUP: at a few hundred uploads per second C2 is still compiling the upload path
# after WARMUP's 5 s (README "CPU per JVM thread during a PUT cell").
round_order() { # round_order ROUND WORKLOAD: SERVERS in order (odd rounds) or reversed (even), those with the row
    local i order=()
    for ((i = 0; i < ${#SERVERS[@]}; i++)); do
        if [ $(($1 % 2)) = 1 ]; then order+=("${SERVERS[i]}"); else order+=("${SERVERS[${#SERVERS[@]} - 1 - i]}"); fi
    done
    for i in "${order[@]}"; do if measures "$i" "$2"; then echo "$i"; fi; done
}
[ "$S3" = only ] && FS_WORKLOADS= || FS_WORKLOADS=$WORKLOADS
for wl in $FS_WORKLOADS; do
    log "workload $wl"
    warm=$WARMUP; [ "$wl" = put1m ] && warm=$PUT_WARMUP
    if [ "$warm" -gt 0 ]; then
        for server in $(round_order 1 "$wl"); do wrk_cell warm "$wl" "$server" "$warm"; done
    fi
    for r in $(seq "$ROUNDS"); do
        for server in $(round_order "$r" "$wl"); do wrk_cell "r$r" "$wl" "$server" "$DURATION"; done
    done
done
# Profile cells (PROFILE=1), after all measured rounds so they never change a reported figure:
# per workload in PROFILE_WORKLOADS and server in PROFILE_SERVERS, one unrecorded wrk cell under a
# JFR recording (jcmd JFR.start settings=profile) and one under `strace -c -f` (STRACE_SECONDS).
# Output in PROFILE_OUT: *.jfr, jfr-top-*.txt (bench/jfr_top.py), strace-*.txt, and the wrk result
# of each profile cell (requests, to divide syscall counts by).
thread_ticks() { # "tid comm utime stime" for every thread of the profiled JVM (PROF_PID)
    local t stat f
    for t in /proc/"$PROF_PID"/task/*; do
        read -r stat < "$t/stat" 2>/dev/null || continue
        local comm=${stat#*(}; comm=${comm%)*}; stat=${stat##*) }
        read -r -a f <<< "$stat"
        echo "${t##*/} ${comm// /_} ${f[11]} ${f[12]}"
    done
}
thread_table() { # thread_table BEFORE AFTER REQUESTS: user/sys µs per request per thread group (digits folded)
    awk -v n="$3" -v hz="$CLK_TCK" 'NR == FNR { u[$1] = $3; s[$1] = $4; next }
        { g = $2; gsub(/[0-9]+/, "N", g); du[g] += $3 - u[$1]; ds[g] += $4 - s[$1]; tu += $3 - u[$1]; ts += $4 - s[$1] }
        END { printf "requests %d; CPU per request by thread group (threads started during the cell counted from 0)\n", n
              printf "%-24s %10s %10s\n", "thread group", "user us", "sys us"
              for (g in du) if (du[g] + ds[g] > 0) printf "%-24s %10.1f %10.1f\n", g, du[g] * 1e6 / hz / n, ds[g] * 1e6 / hz / n
              printf "%-24s %10.1f %10.1f\n", "TOTAL", tu * 1e6 / hz / n, ts * 1e6 / hz / n }' "$1" "$2"
}
if [ "${PROFILE:-0}" = 1 ] && [ "$S3" != only ]; then
    PROFILE_OUT=${PROFILE_OUT:-$RESULTS_DIR/profile-$(date '+%Y-%m-%d_%H%M%S')}
    mkdir -p "$PROFILE_OUT"
    command -v strace > /dev/null || ensure_packages strace
    for wl in ${PROFILE_WORKLOADS:-get4k put1m}; do
        for server in ${PROFILE_SERVERS:-ours default}; do
            PROF_PID=$TC_PID; [ "$server" = jetty ] && PROF_PID=$JETTY_PID   # the JVM that serves it
            log "profile: $wl $server, CPU per JVM thread (/proc/$PROF_PID/task/*/stat)"
            thread_ticks > "$PROFILE_OUT/threads-before.tmp"
            wrk_cell threads "$wl" "$server" "$DURATION" | tee "$PROFILE_OUT/cell-threads-$wl-$server.txt"
            thread_ticks > "$PROFILE_OUT/threads-after.tmp"
            sed -n 's/^RESULT //p' "$RAW/$wl-threads-$server.txt" >> "$PROFILE_OUT/cell-threads-$wl-$server.txt"
            thread_table "$PROFILE_OUT/threads-before.tmp" "$PROFILE_OUT/threads-after.tmp" \
                "$(sed -n 's/^RESULT .*requests=\([0-9]*\).*/\1/p' "$RAW/$wl-threads-$server.txt")" \
                > "$PROFILE_OUT/threads-$wl-$server.txt"
            rm -f "$PROFILE_OUT"/threads-*.tmp
            log "profile: $wl $server under JFR"
            jcmd "$PROF_PID" JFR.start name=prof settings=profile \
                filename="$PROFILE_OUT/$wl-$server.jfr" > "$PROFILE_OUT/jcmd-$wl-$server.log" 2>&1
            wrk_cell jfr "$wl" "$server" "$DURATION" | tee "$PROFILE_OUT/cell-jfr-$wl-$server.txt"
            jcmd "$PROF_PID" JFR.stop name=prof >> "$PROFILE_OUT/jcmd-$wl-$server.log" 2>&1
            sed -n 's/^RESULT //p' "$RAW/$wl-jfr-$server.txt" >> "$PROFILE_OUT/cell-jfr-$wl-$server.txt"
            $PY "$HERE/jfr_top.py" "$PROFILE_OUT/$wl-$server.jfr" > "$PROFILE_OUT/jfr-top-$wl-$server.txt" 2>&1 || true
            log "profile: $wl $server under strace -c -f (${STRACE_SECONDS:-5} s)"
            strace -c -f -p "$PROF_PID" -o "$PROFILE_OUT/strace-$wl-$server.txt" 2> "$PROFILE_OUT/strace-$wl-$server.log" &
            STRACE_PID=$!
            sleep 1   # attaching to every JVM thread takes a moment
            wrk_cell strace "$wl" "$server" "${STRACE_SECONDS:-5}" | tee "$PROFILE_OUT/cell-strace-$wl-$server.txt"
            kill -INT "$STRACE_PID"; wait "$STRACE_PID" || true; STRACE_PID=
            sed -n 's/^RESULT //p' "$RAW/$wl-strace-$server.txt" >> "$PROFILE_OUT/cell-strace-$wl-$server.txt"
        done
    done
fi
if [ "$BIG" = 1 ] && [ "$S3" != only ]; then
    log "workload: one $BIG_MIB MiB PUT and GET per server per round"
    for r in $(seq "$ROUNDS"); do
        for server in $(round_order "$r" putbig); do big_cells "r$r" "$server"; done
    done
fi
# S3 rows: the same workloads, our service on S3 against S3Proxy directly, alternating the same way.
s3_round_order() { if [ $(($1 % 2)) = 1 ]; then echo s3svc s3direct; else echo s3direct s3svc; fi; }
if [ "$S3" != 0 ]; then
    for wl in $WORKLOADS; do
        log "S3 workload $wl"
        warm=$WARMUP; [ "$wl" = put1m ] && warm=$PUT_WARMUP
        if [ "$warm" -gt 0 ]; then
            for server in "${S3_SERVERS[@]}"; do wrk_cell warm "$wl" "$server" "$warm"; done
        fi
        for r in $(seq "$ROUNDS"); do
            for server in $(s3_round_order "$r"); do wrk_cell "r$r" "$wl" "$server" "$DURATION"; done
        done
    done
    if [ "$BIG" = 1 ]; then
        log "S3 workload: one $BIG_MIB MiB PUT and GET per server per round"
        for r in $(seq "$ROUNDS"); do
            for server in $(s3_round_order "$r"); do big_cells "r$r" "$server"; done
        done
    fi
fi

# ---------------------------------------------------------------------------------------------
# The report.
META=$RAW/meta.tsv
NGX_WORKERS=$(pgrep -P "$NGX_PID" | wc -l)
{
    printf 'date\t%s\n' "$(date '+%Y-%m-%d %H:%M %Z')"
    printf 'machine\t%s, %s cores, %s MiB RAM, kernel %s; temp dir on %s\n' \
        "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "$(nproc)" "$(free -m | awk '/^Mem:/ {print $2}')" \
        "$(uname -r)" "$(df -T "$WORK" | awk 'NR == 2 {print $2}')"
    printf 'our WAR\t%s\n' "$WAR_DESC"
    printf 'httpupload.fsync\t**%s** for ours (/upload) and ours on Jetty (nginx dav and DefaultServlet never fsync)%s\n' "$FSYNC" \
        "$(selected fsync && echo '; **true** for "ours, fsync on" (/upload-fsync in the same Tomcat, own storage dir; PUT 1 MiB only)')"
    printf 'servers\t%s (odd rounds in this order, even rounds reversed)\n' \
        "$(for server in "${SERVERS[@]}"; do printf '%s → ' "${LABEL[$server]}"; done | sed 's/ → $//')"
    printf 'nginx\t%s (Debian), worker_processes auto = %s workers, sendfile on, tcp_nopush on, access_log off\n' \
        "$(dpkg-query -W -f='${Version}' nginx)" "$NGX_WORKERS"
    printf 'Tomcat\t%s (Debian tomcat10), NIO connector, sendfile default (on), maxKeepAliveRequests -1, no access log; JVM %s; %s\n' \
        "$(dpkg-query -W -f='${Version}' tomcat10)" "$(sed -n 's/.*JVM Version: *//p' "$CATALINA_BASE/logs/catalina.out" | head -1)" "$JVM_OPTS"
    [ -n "$CONNECTOR_ATTRS" ] && printf 'connector\textra attributes of the Tomcat connector (CONNECTOR_ATTRS): %s\n' "$CONNECTOR_ATTRS"
    selected base && printf 'base\t"%s": %s (sha256 %s) at /upload-base in the same Tomcat, the settings of /upload, own storage dir\n' \
        "$BASE_LABEL" "$BASE_WAR" "$(sha256sum "$BASE_WAR" | cut -c1-12)"
    selected floor && printf 'floor\t/floor in the same Tomcat: bench/floor/EmptyServlet.java mapped to /* (200, Content-Length: 0, no body); GET 4 KiB only\n'
    selected jetty && printf 'Jetty\t%s, embedded by dev/JettyWarServer in its own JVM (%s; %s): ee10 WebAppContext at /upload with the default descriptor and the same context parameters as /upload, default thread pool and HttpConfiguration except sendServerVersion=false and README.md'"'"'s three Jetty settings, no request log\n' \
        "$JETTY_VERSION" "$(readlink -f "/proc/$JETTY_PID/exe")$([ "$(readlink -f "/proc/$JETTY_PID/exe")" = "$(readlink -f "/proc/$TC_PID/exe")" ] && echo ', the same java as Tomcat')" "$JVM_OPTS"
    printf 'client\twrk %s, -t%s -c%s, %s s per cell after %s s warm-up per server (PUT 1 MiB: %s s), %s rounds; curl %s for the %s MiB transfers\n' \
        "$(dpkg-query -W -f='${Version}' wrk)" "$THREADS" "$CONNECTIONS" "$DURATION" "$WARMUP" "$PUT_WARMUP" "$ROUNDS" \
        "$(curl --version | awk 'NR == 1 {print $2}')" "$BIG_MIB"
    [ "$S3" != 0 ] && printf 'S3\tS3Proxy %s (filesystem-nio2, authorization=none) on the same disk, JVM %s; our WAR at /upload-s3 with httpupload.storage=s3, prefix svc/\n' \
        "$(basename "$S3PROXY_JAR")" "$S3PROXY_OPTS"
    printf 'run time\t%s s; load average (1/5/15 min) %s at the start, %s at the end\n' \
        $((SECONDS - START_SECONDS)) "$LOAD_AT_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$META"
mkdir -p "$RESULTS_DIR"
REPORT=$RESULTS_DIR/$(date '+%Y-%m-%d_%H%M%S').md
if ! $PY "$HERE/report.py" "$CELLS" "$META" "$NOTES" "$CLK_TCK" "$BIG_MIB" > "$REPORT"; then
    cp "$CELLS" "${REPORT%.md}.cells.tsv"    # keep the measurements even if the report fails
    die "report.py failed; raw cells saved to ${REPORT%.md}.cells.tsv"
fi
echo
cat "$REPORT"
echo
log "report written to $REPORT (total $((SECONDS - START_SECONDS)) s)"
