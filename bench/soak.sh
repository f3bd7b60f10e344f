#!/bin/bash
# Soak: a bounded run of mixed uploads and downloads at concurrency 32 against our WAR in a private
# Tomcat 10.1, every answer checked (bench/soak_client.py). Reports errors (must be 0), the JVM's
# open file descriptors, threads, heap after a full GC and RSS at start and end, and throughput.
# See bench/SOAK.md.
#
#   sudo bench/soak.sh                         10 minutes of load (about 12 minutes in all)
#   sudo DURATION=60 WARMUP=15 IDLE_AFTER=5 bench/soak.sh   quick check (about 2 minutes)
#
# Environment (all optional):
#   WAR=path.war      the WAR to run; default: clone this repository's committed HEAD into the
#                     temp dir and build it there (as bench/run.sh does)
#   FSYNC=true        httpupload.fsync (true is the service's default, the production setting)
#   DURATION=600      seconds of load in all, the warm-up included
#   WARMUP=30         seconds of load before the "start" snapshot and the throughput window
#   CONCURRENCY=32    client threads, one keep-alive connection and one request at a time each
#   SAMPLE=30         seconds between samples (fds, threads, RSS, heap, throughput) in the CSV
#   IDLE_AFTER=70     seconds of idleness after the load before the last snapshot (Tomcat ends
#                     connector threads idle for 60 s, so a grown pool should shrink by then)
#   CAP_MIB=2048      uploaded files kept on disk; the oldest are deleted above it
#   MIX="put=20,get=30,head=10,range=20,cond=10,badtoken=5,replay=5"   weights of the operations
#   SEED=1            the client's random seed
#   JVM_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC"   as bench/run.sh
#   CONNECTOR_ATTRS=  extra attributes for Tomcat's connector
#   RESULTS_DIR=bench/results   where soak-<date>.md and soak-<date>.csv go     KEEP=1 keep the temp dir
#
# Loopback only: Tomcat listens on a free port of 127.0.0.1. Every process started here is stopped
# by its pid at exit, failure and Ctrl-C included, and the temp dir is removed. Exit status 0 only
# when the client saw no error.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
. "$HERE/lib.sh"

DURATION=${DURATION:-600}
WARMUP=${WARMUP:-30}
CONCURRENCY=${CONCURRENCY:-32}
SAMPLE=${SAMPLE:-30}
IDLE_AFTER=${IDLE_AFTER:-70}
CAP_MIB=${CAP_MIB:-2048}
FSYNC=${FSYNC:-true}
SEED=${SEED:-1}
MIX=${MIX:-put=20,get=30,head=10,range=20,cond=10,badtoken=5,replay=5}
JVM_OPTS=${JVM_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC}
CONNECTOR_ATTRS=${CONNECTOR_ATTRS:-}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}

case $FSYNC in true|false) ;; *) die "FSYNC must be true or false, not '$FSYNC'" ;; esac
for v in DURATION WARMUP CONCURRENCY SAMPLE IDLE_AFTER CAP_MIB SEED; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
[ "$WARMUP" -lt "$DURATION" ] || die "WARMUP ($WARMUP) must be shorter than DURATION ($DURATION)"
[ "$CONCURRENCY" -ge 1 ] && [ "$SAMPLE" -ge 1 ] || die "CONCURRENCY and SAMPLE must be at least 1"
START_SECONDS=$SECONDS
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)   # other work on the machine shows up here

# ---------------------------------------------------------------------------------------------
# Packages: Debian's tomcat10 (only its files; its service is never used) and a JDK's jcmd/jstat.
ensure_packages tomcat10 curl
command -v jcmd >/dev/null && command -v jstat >/dev/null || die "jcmd and jstat are needed (a JDK, e.g. openjdk-17-jdk-headless)"

# ---------------------------------------------------------------------------------------------
# Temp dir, and cleanup that runs on every exit path.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/http-upload-soak.XXXXXX")
TC_PID= CLIENT_PID=
cleanup() {
    local rc=$?
    set +e
    stop_pid soak-client "$CLIENT_PID"
    stop_pid tomcat "$TC_PID"
    if [ -n "${KEEP:-}" ]; then echo "KEEP set: temp dir $WORK left in place"; else rm -rf "$WORK"; fi
    [ $rc = 0 ] || echo "soak.sh: FAILED (exit $rc)" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log "temp dir $WORK"

# Disk: the cap, plus what deleted-but-still-open files and the page cache's writeback may hold.
avail_mib=$(df -Pm "$WORK" | awk 'NR == 2 {print $4}')
[ "$avail_mib" -ge $((CAP_MIB + 2048)) ] || die "only $avail_mib MiB free under $WORK; need CAP_MIB + 2 GiB = $((CAP_MIB + 2048)) MiB"
log "disk: $avail_mib MiB free under $WORK, at most about $CAP_MIB MiB of uploads kept"

TC_PORT=$(free_port)
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export BENCH_SECRET=$SECRET          # read by soak_client.py (through sign.py); never on a command line

# ---------------------------------------------------------------------------------------------
# The WAR: given, or built from a clone of the committed HEAD (as bench/run.sh does).
build_war

# ---------------------------------------------------------------------------------------------
# Tomcat: a private instance (own CATALINA_BASE), set up like bench/run.sh's: Debian's conf/ files
# except server.xml (no SecurityListener, which refuses to run as root; no AccessLogValve; NIO
# connector on 127.0.0.1 with continueResponseTiming="onRead" as README.md recommends), our WAR as
# /upload configured only by its context descriptor. Unlike run.sh the connector keeps Tomcat's
# default maxKeepAliveRequests (100), so connections are also closed and opened during the soak.
STORE=$WORK/storage
tomcat_base "$CONNECTOR_ATTRS"
start_tomcat
BASE_URL=http://127.0.0.1:$TC_PORT
code=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE_URL/upload/soak/none.bin") || true
[ "$code" = 404 ] || die "GET of a missing file answered $code, not 404"
log "tomcat pid $TC_PID on 127.0.0.1:$TC_PORT, httpupload.fsync=$FSYNC"
LOG_LINES_BEFORE=$(cat "$CATALINA_BASE"/logs/* | wc -l)

# ---------------------------------------------------------------------------------------------
# The load. The client runs in the background so that the trap can stop it by its pid.
OUT=$WORK/out
rc=0
$PY "$HERE/soak_client.py" run --base "$BASE_URL" --context /upload --pid "$TC_PID" --store "$STORE" \
    --out "$OUT" --duration "$DURATION" --warmup "$WARMUP" --sample "$SAMPLE" --idle-after "$IDLE_AFTER" --concurrency "$CONCURRENCY" \
    --cap-mib "$CAP_MIB" --seed "$SEED" --mix "$MIX" &
CLIENT_PID=$!
wait "$CLIENT_PID" || rc=$?
CLIENT_PID=
kill -0 "$TC_PID" 2>/dev/null || die "tomcat (pid $TC_PID) is gone"
[ -f "$OUT/result.json" ] || die "the client wrote no result (exit $rc)"

# ---------------------------------------------------------------------------------------------
# The report.
# Log lines written during the load: anything at WARNING or SEVERE, and exceptions, are shown.
cat "$CATALINA_BASE"/logs/* | tail -n +$((LOG_LINES_BEFORE + 1)) > "$WORK/log-during.txt" || true
n_severe=$(grep -c 'SEVERE' "$WORK/log-during.txt" || true)
n_warning=$(grep -c 'WARNING' "$WORK/log-during.txt" || true)
n_exc=$(grep -cE '^[A-Za-z0-9_.$]+(Exception|Error)\b|^\s+at ' "$WORK/log-during.txt" || true)
STAMP=$(date '+%Y-%m-%d_%H%M%S')
mkdir -p "$RESULTS_DIR"
REPORT=$RESULTS_DIR/soak-$STAMP.md
CSV=$RESULTS_DIR/soak-$STAMP.csv
cp "$OUT/samples.csv" "$CSV"
META=$WORK/meta.tsv
{
    printf 'date\t%s\n' "$(date '+%Y-%m-%d %H:%M %Z')"
    printf 'machine\t%s, %s cores, %s MiB RAM, kernel %s; storage on %s (%s)\n' \
        "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "$(nproc)" "$(free -m | awk '/^Mem:/ {print $2}')" \
        "$(uname -r)" "$(df -T "$STORE" | awk 'NR == 2 {print $2}')" "$(df -P "$STORE" | awk 'NR == 2 {print $1}')"
    printf 'WAR\t%s\n' "$WAR_DESC"
    printf 'httpupload.fsync\t**%s**\n' "$FSYNC"
    printf 'Tomcat\t%s (Debian tomcat10), NIO connector on 127.0.0.1, maxKeepAliveRequests default (100), connectionTimeout 20 s, continueResponseTiming onRead%s; JVM %s; %s\n' \
        "$(dpkg-query -W -f='${Version}' tomcat10)" "${CONNECTOR_ATTRS:+, $CONNECTOR_ATTRS}" \
        "$(sed -n 's/.*JVM Version: *//p' "$CATALINA_BASE/logs/catalina.out" | head -1)" "$JVM_OPTS"
    printf 'client\tbench/soak_client.py (%s, stdlib only), %s threads, one keep-alive connection each, no think time; %s s of load (%s s warm-up), samples every %s s, last snapshot after %s s idle; mix %s; seed %s; stored uploads capped at %s MiB\n' \
        "$($PY -c 'import platform; print("Python " + platform.python_version())')" "$CONCURRENCY" "$DURATION" "$WARMUP" "$SAMPLE" "$IDLE_AFTER" "$MIX" "$SEED" "$CAP_MIB"
    printf 'server log during the load\t%s lines: %s SEVERE, %s WARNING, %s exception/stack lines\n' \
        "$(wc -l < "$WORK/log-during.txt")" "$n_severe" "$n_warning" "$n_exc"
    printf 'run time\t%s s; load average (1/5/15 min) %s at the start, %s at the end\n' \
        $((SECONDS - START_SECONDS)) "$LOAD_AT_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$META"
$PY "$HERE/soak_client.py" report "$OUT/result.json" "$META" "$CSV" --sample-note "$SAMPLE s" > "$REPORT" \
    || die "the report failed; samples are in $CSV"
if [ "$n_severe" -gt 0 ] || [ "$n_warning" -gt 0 ] || [ "$n_exc" -gt 0 ]; then
    { echo; echo "## Server log lines at WARNING or SEVERE during the load (first 40)"; echo; \
      grep -E -A3 'SEVERE|WARNING' "$WORK/log-during.txt" | head -40 | sed 's/^/    /'; } >> "$REPORT"
fi
echo
cat "$REPORT"
echo
log "report written to $REPORT, samples to $CSV (total $((SECONDS - START_SECONDS)) s)"
[ "$rc" = 0 ] || die "the client reported errors (exit $rc)"
