#!/bin/bash
# Benchmark: http-upload-servlet against nginx (the reference) and Tomcat's own DefaultServlet
# (the Java alternative), in one run on one machine. See bench/README.md for what each row means.
#
#   sudo bench/run.sh                      full run (about 6 minutes on 2 cores)
#   sudo DURATION=2 WARMUP=1 bench/run.sh  quick check that everything works
#
# Environment (all optional):
#   WAR=path.war     the WAR to measure; default: clone this repository's committed HEAD into the
#                    temp dir and build it there (never touches the working tree or its target/)
#   FSYNC=false      httpupload.fsync for our service (true|false). nginx and DefaultServlet never
#                    fsync, so false is the like-for-like setting.
#   DURATION=10      seconds per wrk cell      WARMUP=5   seconds of unmeasured warm-up per server
#   ROUNDS=2         measured rounds per workload (servers alternate inside each round); the
#                    report takes the median round (of 2: the better one)
#   BIG_MIB=256      size of the single large PUT/GET     PUT_URLS=200000 signed URLs per PUT cell
#   JVM_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC"             the same for every run
#   RESULTS_DIR=bench/results   where the markdown report goes    KEEP=1 keep the temp dir
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
ROUNDS=${ROUNDS:-2}
FSYNC=${FSYNC:-false}
BIG_MIB=${BIG_MIB:-256}
WORKLOADS=${WORKLOADS:-get4k get1m range put1m}   # which wrk rows to measure (a subset for quick iterations)
BIG=${BIG:-1}                                      # 0 skips the single large PUT and GET
CONNECTOR_ATTRS=${CONNECTOR_ATTRS:-}                 # extra attributes for the Tomcat connector (tuning experiments)
PUT_URLS=${PUT_URLS:-200000}
JVM_OPTS=${JVM_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}
THREADS=2 CONNECTIONS=8                # wrk -t2 -c8 for every cell: the issue's "concurrency 8"
SERVERS=(nginx default ours)
MIB=1048576

case $FSYNC in true|false) ;; *) die "FSYNC must be true or false, not '$FSYNC'" ;; esac
for v in DURATION WARMUP ROUNDS BIG_MIB PUT_URLS; do
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
NGX_PID= TC_PID= SAMPLER_PID=
cleanup() {
    local rc=$?
    set +e
    stop_pid rss-sampler "$SAMPLER_PID"
    stop_pid nginx "$NGX_PID"
    stop_pid tomcat "$TC_PID"
    if [ -n "${KEEP:-}" ]; then echo "KEEP set: temp dir $WORK left in place"; else rm -rf "$WORK"; fi
    [ $rc = 0 ] || echo "run.sh: FAILED (exit $rc)" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log "temp dir $WORK"

DATA=$WORK/data RAW=$WORK/raw URLS=$WORK/urls
mkdir -p "$DATA" "$RAW" "$URLS"
read -r NGX_PORT TC_PORT < <($PY -c '
import socket
socks = [socket.socket() for _ in range(2)]
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
start_tomcat

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
)
declare -A LABEL=([nginx]=nginx [default]=DefaultServlet [ours]=ours)

# ---------------------------------------------------------------------------------------------
# Measuring helpers.
server_pids() { # the processes whose CPU is the server's: nginx master + workers, or the JVM
    case $1 in
        nginx) echo "$NGX_PID" $(pgrep -P "$NGX_PID") ;;
        *) echo "$TC_PID" ;;
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
put_url() { # put_url SERVER SLOT_PATH SIZE
    if [ "$1" = ours ]; then echo "${BASE[ours]}/$2?v=$(sign "$2" "$3")"; else echo "${BASE[$1]}/$2"; fi
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
    esac
    sync
}

CELLS=$RAW/cells.tsv
printf 'workload\tserver\tround\trequests\tduration_us\tbytes_received\tbytes_sent\tuser_ticks\tsys_ticks\tstatuses\tstatus_gt399\tsock_errors\trss_kib\tp50_us\tp99_us\n' > "$CELLS"
CLK_TCK=$(getconf CLK_TCK)

show_cell() { # one progress line: workload round server requests seconds user_ticks sys_ticks statuses
    awk -v w="$1" -v r="$2" -v s="$3" -v n="$4" -v d="$5" -v u="$6" -v y="$7" -v st="$8" -v hz="$CLK_TCK" 'BEGIN {
        n = (n > 0 ? n : 1)
        printf "  %-6s %-5s %-14s %8.1f req/s  user %8.1f  sys %8.1f  total %8.1f us/req  [%s]\n",
            w, r, s, n / d, u * 1e6 / hz / n, y * 1e6 / hz / n, (u + y) * 1e6 / hz / n, st }'
}

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
            if [ "$server" = ours ]; then
                $PY "$HERE/sign.py" urls /upload/ "put/$cell" "$PUT_URLS" $MIB > "$URLS/$cell.txt"
                args+=("urls=$URLS/$cell.txt")
            else
                args+=("prefix=/${base##*/}/put/$cell")
                [ "$server" = default ] && mkdir -p "$DEFAULT_APP/put/$cell"  # it does not create directories
            fi ;;
    esac
    sync
    local pids before after
    pids=$(server_pids "$server")
    before=$(cpu_ticks $pids)
    BENCH_WRK_DIR=$HERE/wrk wrk -t$THREADS -c$CONNECTIONS -d"${secs}s" --timeout 30s \
        -s "$HERE/wrk/$script" "$url" -- "${args[@]}" > "$out" 2>&1 || true
    settle $pids
    after=$(cpu_ticks $pids)
    [ "$wl" = put1m ] && remove_uploads "$server"
    [ "$wl" = put1m ] && [ "$server" = ours ] && rm -f "$URLS/$cell.txt"
    local line; line=$(sed -n 's/^RESULT //p' "$out")
    [ -n "$line" ] || { cat "$out"; die "wrk gave no result for $cell"; }
    local -A R=(); local kv
    for kv in $line; do R[${kv%%=*}]=${kv#*=}; done
    local bu bs au as; read -r bu bs <<< "$before"; read -r au as <<< "$after"
    local sent=0; [ "$wl" = put1m ] && sent=$((R[requests] * MIB))
    show_cell "$wl" "$round" "${LABEL[$server]}" "${R[requests]}" "$(awk -v d="${R[duration_us]}" 'BEGIN{print d/1e6}')" \
        $((au - bu)) $((as - bs)) "${R[statuses]}"
    [ "$round" = warm ] && return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$server" "$round" \
        "${R[requests]}" "${R[duration_us]}" "${R[bytes]}" "$sent" $((au - bu)) $((as - bs)) \
        "${R[statuses]}" "${R[status_gt399]}" "${R[connect]}/${R[read]}/${R[write]}/${R[timeout]}" - \
        "${R[p50_us]}" "${R[p99_us]}" >> "$CELLS"
}

# The single large PUT (with RSS sampling) and GET of the file just stored, both with curl.
big_cells() { # big_cells ROUND SERVER
    local round=$1 server=$2 slot="big/$1-$2.bin" size=$((BIG_MIB * MIB))
    local pids before after code t bytes rss_file="$RAW/rss-$1-$2.txt" i
    pids=$(server_pids "$server")
    sync
    $PY "$HERE/rss_sampler.py" "$rss_file" $pids &
    SAMPLER_PID=$!
    for i in $(seq 100); do [ -s "$rss_file" ] && break; sleep 0.05; done
    before=$(cpu_ticks $pids)
    # "Expect:" off: time the transfer, not curl's wait for 100 Continue (XMPP clients send none).
    read -r code t bytes < <(curl -sS -o /dev/null -T "$DATA/big.bin" -H 'Expect:' \
        -H 'Content-Type: application/octet-stream' -w '%{http_code} %{time_total} %{size_upload}\n' \
        "$(put_url "$server" "$slot" "$size")" || echo "000 0 0")
    after=$(cpu_ticks $pids)
    kill "$SAMPLER_PID"; wait "$SAMPLER_PID" || true; SAMPLER_PID=   # SIGTERM: it writes max_kib
    local start_kib max_kib
    start_kib=$(sed -n 's/^start_kib=//p' "$rss_file"); max_kib=$(sed -n 's/^max_kib=\([0-9]*\).*/\1/p' "$rss_file")
    record_big putbig "$round" "$server" "$code" "$t" 0 "$bytes" "$before" "$after" "$((max_kib - start_kib))/$start_kib"

    sync   # the upload's dirty pages are written back now, not during the GET
    before=$(cpu_ticks $pids)
    read -r code t bytes < <(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{size_download}\n' \
        "${BASE[$server]}/$slot" || echo "000 0 0")
    after=$(cpu_ticks $pids)
    record_big getbig "$round" "$server" "$code" "$t" "$bytes" 0 "$before" "$after" -
    remove_uploads "$server"
}
record_big() { # record_big WORKLOAD ROUND SERVER CODE SECONDS RECEIVED SENT BEFORE AFTER RSS(growth/start KiB or -)
    local bu bs au as us; read -r bu bs <<< "$8"; read -r au as <<< "$9"
    us=$(awk -v t="$5" 'BEGIN { printf "%d", t * 1e6 }')
    show_cell "$1" "$2" "${LABEL[$3]}" 1 "$5" $((au - bu)) $((as - bs)) "$4:1"
    [ "${10}" != - ] && echo "         RSS during the upload: +$(( ${10%/*} / 1024 )) MiB over $(( ${10#*/} / 1024 )) MiB"
    printf '%s\t%s\t%s\t1\t%s\t%s\t%s\t%s\t%s\t%s\t0\t0/0/0/0\t%s\t-\t-\n' "$1" "$3" "$2" "$us" "$6" "$7" \
        $((au - bu)) $((as - bs)) "$4:1" "${10}" >> "$CELLS"
}

# ---------------------------------------------------------------------------------------------
log "seeding identical files: nginx root, DefaultServlet docBase, our service (signed v1 PUT)"
for f in 4k.bin 1m.bin; do
    cp "$DATA/$f" "$NGX_ROOT/dav/bench/$f"
    cp "$DATA/$f" "$DEFAULT_APP/bench/$f"
    code=$(curl -sS -o /dev/null -w '%{http_code}' -T "$DATA/$f" -H 'Expect:' -H 'Content-Type: application/octet-stream' \
        "$(put_url ours "bench/$f" "$(stat -c %s "$DATA/$f")")")
    [ "$code" = 201 ] || die "seeding $f into our service: HTTP $code"
done
for server in "${SERVERS[@]}"; do
    for f in 4k.bin 1m.bin; do
        code=$(curl -sS -o "$WORK/check.bin" -w '%{http_code}' "${BASE[$server]}/bench/$f")
        [ "$code" = 200 ] && cmp -s "$WORK/check.bin" "$DATA/$f" || die "GET $f from $server: HTTP $code or different bytes"
    done
done
log "all three servers return the same bytes for 4k.bin and 1m.bin"

# Protocol probes: how each server answers what the benchmark cannot show in a throughput figure.
NOTES=$RAW/notes.txt
: > "$NOTES"
probe_line() { # summarises one probe across the servers
    local what=$1; shift
    echo "$what: $*" >> "$NOTES"; log "probe: $what: $*"
}
mkdir -p "$DEFAULT_APP/probe"   # DefaultServlet does not create directories (see the last probe)
answers=()
for server in "${SERVERS[@]}"; do
    answers+=("${LABEL[$server]} $(curl -sS -o /dev/null -H 'Range: bytes=0-65535' \
        -w '%{http_code}, %{size_download} bytes' "${BASE[$server]}/bench/1m.bin")")
done
probe_line "GET Range: bytes=0-65535 of the 1 MiB file" "$(IFS=';'; echo "${answers[*]}" | sed 's/;/; /g')"
answers=()
for server in "${SERVERS[@]}"; do
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
rm -rf "$NGX_ROOT/dav/probe" "$NGX_ROOT/dav/no-such-dir" "$DEFAULT_APP/probe" "$DEFAULT_APP/no-such-dir"
touch "$SEED_MARK"     # everything our service stores after this is benchmark data (remove_uploads)

# ---------------------------------------------------------------------------------------------
# The measurements. Per workload: an unmeasured warm-up of every server (JIT, page cache), then
# ROUNDS rounds in which the servers take turns; even rounds run in reverse order, so no server
# always follows the same one (page cache and writeback state drift within a run).
round_order() { if [ $(($1 % 2)) = 1 ]; then echo nginx default ours; else echo ours default nginx; fi; }
for wl in $WORKLOADS; do
    log "workload $wl"
    if [ "$WARMUP" -gt 0 ]; then
        for server in "${SERVERS[@]}"; do wrk_cell warm "$wl" "$server" "$WARMUP"; done
    fi
    for r in $(seq "$ROUNDS"); do
        for server in $(round_order "$r"); do wrk_cell "r$r" "$wl" "$server" "$DURATION"; done
    done
done
if [ "$BIG" = 1 ]; then
    log "workload: one $BIG_MIB MiB PUT and GET per server per round"
    for r in $(seq "$ROUNDS"); do
        for server in $(round_order "$r"); do big_cells "r$r" "$server"; done
    done
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
    printf 'httpupload.fsync\t**%s** (nginx dav and DefaultServlet never fsync)\n' "$FSYNC"
    printf 'nginx\t%s (Debian), worker_processes auto = %s workers, sendfile on, tcp_nopush on, access_log off\n' \
        "$(dpkg-query -W -f='${Version}' nginx)" "$NGX_WORKERS"
    printf 'Tomcat\t%s (Debian tomcat10), NIO connector, sendfile default (on), maxKeepAliveRequests -1, no access log; JVM %s; %s\n' \
        "$(dpkg-query -W -f='${Version}' tomcat10)" "$(sed -n 's/.*JVM Version: *//p' "$CATALINA_BASE/logs/catalina.out" | head -1)" "$JVM_OPTS"
    printf 'client\twrk %s, -t%s -c%s, %s s per cell after %s s warm-up per server, %s rounds; curl %s for the %s MiB transfers\n' \
        "$(dpkg-query -W -f='${Version}' wrk)" "$THREADS" "$CONNECTIONS" "$DURATION" "$WARMUP" "$ROUNDS" \
        "$(curl --version | awk 'NR == 1 {print $2}')" "$BIG_MIB"
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
