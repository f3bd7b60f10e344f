#!/bin/bash
# Sweep cost: what Storage.sweep (the hourly expiry sweep) and LocalStorage.open's start-up count
# cost with many stored files, against walks that only stat the same tree (du, a Java walk).
# The work is done by src/test/java/io/github/httpupload/dev/SweepBenchmark.java; see
# bench/README.md ("Sweep cost") for what each row means.
#
#   bench/sweep.sh                         N=100000 files of 1 KiB (about 5 minutes on 2 cores)
#   N="10000 100000" bench/sweep.sh        two points in one report
#   N=2000 ROUNDS=1 RESULTS_DIR=/tmp bench/sweep.sh   quick check that everything works
#
# Environment (all optional):
#   N=100000        stored files; a space-separated list measures each in turn (one store each)
#   SIZE=1024       content bytes per file (each file also has the 4 KiB header)
#   ROUNDS=3        measured rounds per operation after one warm-up round; the median is reported
#   COLD=1          as root: also one round with dropped caches (sync; echo 3 > drop_caches).
#                   That empties the page cache of the whole machine: COLD=0 on a shared one.
#   TREE=           default: clone this repository's committed HEAD and build that (as run.sh
#                   does); TREE=1 copies the working tree instead, uncommitted changes included.
#                   Either way the build happens in the temp dir, never in the tree's target/.
#   STORE_DIR=      keep the stores here (STORE_DIR/n<N>) and reuse them on the next run: populating
#                   100000 files takes a while. Default: in the temp dir, deleted at the end.
#   JVM_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC"   as bench/run.sh
#   RESULTS_DIR=bench/results   where sweep-<date>.md goes     KEEP=1 keep the temp dir
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
. "$HERE/lib.sh"

N=${N:-100000}
SIZE=${SIZE:-1024}
ROUNDS=${ROUNDS:-3}
COLD=${COLD:-1}
TREE=${TREE:-}
STORE_DIR=${STORE_DIR:-}
JVM_OPTS=${JVM_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC}
RESULTS_DIR=${RESULTS_DIR:-$HERE/results}

for v in SIZE ROUNDS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
for n in $N; do [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 10 ] || die "N must be whole numbers of at least 10, not '$n'"; done
[ "$ROUNDS" -ge 1 ] || die "ROUNDS must be at least 1"
case $COLD in 0|1) ;; *) die "COLD must be 0 or 1, not '$COLD'" ;; esac
command -v java >/dev/null && command -v mvn >/dev/null || die "java and mvn are needed"
START_SECONDS=$SECONDS
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)   # other work on the machine shows up here

# ---------------------------------------------------------------------------------------------
# Temp dir, and cleanup that runs on every exit path. The benchmark JVM runs in the foreground:
# Ctrl-C reaches it directly, and nothing started here outlives the script.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/http-upload-sweep.XXXXXX")
cleanup() {
    local rc=$?
    set +e
    if [ -n "${KEEP:-}" ]; then echo "KEEP set: temp dir $WORK left in place"; else rm -rf "$WORK"; fi
    [ $rc = 0 ] || echo "sweep.sh: FAILED (exit $rc)" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log "temp dir $WORK"

# Disk: the largest N's store (4 KiB blocks: header + content rounded up, plus one 4 KiB block of
# directory entries per ~40 files is well under that) and 1 GiB to spare. Stores are made one at a
# time and each is deleted before the next unless STORE_DIR keeps them.
STORES=${STORE_DIR:-$WORK/stores}
mkdir -p "$STORES"
largest=$(printf '%s\n' $N | sort -n | tail -1)
need_mib=$(( largest * (4096 + (SIZE + 4095) / 4096 * 4096) / 1048576 + 1024 ))
avail_mib=$(df -Pm "$STORES" | awk 'NR == 2 {print $4}')
[ "$avail_mib" -ge "$need_mib" ] || die "only $avail_mib MiB free under $STORES; N=$largest needs about $need_mib MiB"

# ---------------------------------------------------------------------------------------------
# Build, in the temp dir: a clone of HEAD, or (TREE=1) a copy of the working tree's tracked and
# untracked-but-not-ignored files. Then the test classpath, from Maven (exec:java cannot be used:
# the pom pins its mainClass to DevServer).
SRC=$WORK/src
if [ -n "$TREE" ]; then
    log "copying the working tree of $REPO"
    mkdir -p "$SRC"
    (cd "$REPO" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$SRC")
    if git -C "$REPO" diff --quiet HEAD -- src/main && [ -z "$(git -C "$REPO" ls-files --others --exclude-standard src/main)" ]; then
        CODE_DESC="working tree; src/main as in commit $(git -C "$REPO" rev-parse --short HEAD)"
    else
        CODE_DESC="working tree with uncommitted changes in src/main (HEAD $(git -C "$REPO" rev-parse --short HEAD))"
    fi
else
    log "cloning the committed HEAD of $REPO"
    git clone -q "$REPO" "$SRC"
    CODE_DESC="commit $(git -C "$SRC" rev-parse --short HEAD) ($(git -C "$SRC" log -1 --format=%s | cut -c1-70))"
    [ -f "$SRC/src/test/java/io/github/httpupload/dev/SweepBenchmark.java" ] \
        || die "HEAD has no SweepBenchmark.java; commit it, or run with TREE=1"
fi
log "building: $CODE_DESC"
(cd "$SRC" && mvn -B -q -DskipTests test-compile \
    && mvn -B -q exec:exec -Dexec.executable=echo -Dexec.args=%classpath -Dexec.outputFile="$WORK/classpath.txt") \
    > "$WORK/mvn.log" 2>&1 || { tail -40 "$WORK/mvn.log"; die "maven build failed"; }
CLASSPATH_FILE=$WORK/classpath.txt
[ -s "$CLASSPATH_FILE" ] || die "maven wrote no classpath"

# ---------------------------------------------------------------------------------------------
# The measurements: one JVM per N, its markdown section collected for the report.
SECTIONS=$WORK/sections.md
: > "$SECTIONS"
cold_prop=
[ "$COLD" = 1 ] || cold_prop=-Dsweepbench.cold=false
for n in $N; do
    store=$STORES/n$n
    log "N=$n: store $store"
    # shellcheck disable=SC2086  # JVM_OPTS is a list of options
    java $JVM_OPTS $cold_prop -cp "$(cat "$CLASSPATH_FILE")" io.github.httpupload.dev.SweepBenchmark \
        "$store" "$n" "$SIZE" "$ROUNDS" > "$WORK/section-$n.md"
    { cat "$WORK/section-$n.md"; echo; } >> "$SECTIONS"
    [ -n "$STORE_DIR" ] || rm -rf "$store"   # the next N gets the disk space back
done

# ---------------------------------------------------------------------------------------------
# The report.
mkdir -p "$RESULTS_DIR"
REPORT=$RESULTS_DIR/sweep-$(date '+%Y-%m-%d_%H%M%S').md
{
    echo "# Sweep cost: LocalStorage.sweep and LocalStorage.open against a stat-only walk"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $(date '+%Y-%m-%d %H:%M %Z') |"
    echo "| machine | $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2}') MiB RAM, kernel $(uname -r); stores on $(df -P "$STORES" | awk 'NR == 2 {print $1}'), $(findmnt -no FSTYPE,OPTIONS -T "$STORES" | tr -s ' ' ' ') |"
    echo "| code | $CODE_DESC |"
    echo "| JVM | $(java -version 2>&1 | head -1), $JVM_OPTS |"
    echo "| parameters | N=$N, SIZE=$SIZE, ROUNDS=$ROUNDS, COLD=$COLD |"
    echo "| run time | $((SECONDS - START_SECONDS)) s; load average (1/5/15 min) $LOAD_AT_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end |"
    echo
    cat "$SECTIONS"
} > "$REPORT"
echo
cat "$REPORT"
log "report written to $REPORT (total $((SECONDS - START_SECONDS)) s)"
