#!/usr/bin/python3
"""Soak workload for bench/soak.sh: mixed uploads and downloads against one running service, with
every answer checked, and the server's file descriptors, threads, heap and RSS sampled.

  soak_client.py run --base URL --context /upload --pid PID --store DIR --out DIR [options]
      runs the load, writes DIR/result.json and DIR/samples.csv; exit 0 when there was no error
  soak_client.py report RESULT_JSON META_TSV > soak.md
      renders the markdown summary (META_TSV: "key<TAB>value" lines from soak.sh)

Standard library only. The secret comes from the environment variable BENCH_SECRET (as for
sign.py, whose token() this uses), never from the command line.

The workload (per request, each of CONCURRENCY threads with its own keep-alive connection, one
request at a time, no think time):

  put       PUT of a new file to a fresh slot with a v1 token: 1 KiB .. 2 MiB, half of the sizes
            uniform, half log-uniform (so small files, which the service caches, are common too);
            some slot names have spaces and non-ASCII letters (percent-encoded in the URL).
            Expect 201. Only then the file becomes eligible for the operations below.
  get       GET of a stored file. Expect 200, Content-Length, Content-Type as uploaded, and the
            SHA-256 of the body equal to the uploaded bytes'.
  head      HEAD. Expect 200, Content-Length = size, no body, the same ETag as before.
  range     GET with Range: "a-b" (70 %), "a-" (10 %), "-n" (10 %): expect 206, Content-Range and
            the exact bytes; "size-" (10 %, unsatisfiable): expect 416 with "bytes */size".
  cond      GET with If-None-Match: the file's ETag (expect 304, no body) or, one time in five,
            another tag (expect 200 with the verified body).
  badtoken  PUT to a fresh slot with one hex digit of the token changed: expect 403.
  replay    PUT again to a stored file's own signed URL: expect 409 (files are never replaced).
            For both of these the body is sent whole when it is at most 16 KiB; larger ones send
            "Expect: 100-continue" and withhold the body, which the service must refuse without
            asking for it (a "100 Continue" would leave the request hanging: counted as an error).

Expected refusals (403, 409, 416, 304) are outcomes, not errors. An error is any other status, a
connection failure or timeout, or a body or header that differs from what was uploaded.

Stored data is bounded: when the uploaded files exceed --cap-mib, the oldest are taken out of the
workload and deleted from the storage directory (files/<h0h1>/<sha-256 of the slot path>, see the
README's "Storage layout") once no request is using them. The service keeps the headers of
recently served files for 5 s, which does not matter: a deleted file is never asked for again.
"""
import argparse
import collections
import csv
import hashlib
import http.client
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True        # no bench/__pycache__ from importing sign.py
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sign import token as sign_token  # noqa: E402  (bench/sign.py: HMAC-SHA256 hex of "<slot> <len>")

KIB, MIB = 1024, 1024 * 1024
MIN_SIZE, MAX_SIZE = 1 * KIB, 2 * MIB
SMALL_BAD_BODY = 16 * KIB
OPS = ["put", "get", "head", "range", "cond", "badtoken", "replay"]
DEFAULT_MIX = "put=20,get=30,head=10,range=20,cond=10,badtoken=5,replay=5"
CONTENT_TYPES = {".bin": "application/octet-stream", ".jpg": "image/jpeg", ".txt": "text/plain; charset=utf-8"}


# ---------------------------------------------------------------------------------------------
# Files the workload knows about.
class StoredRecord:
    __slots__ = ("slot", "target", "size", "offset", "uid", "sha256", "ctype", "token", "etag",
                 "inflight", "evicted", "unlinked", "index")

    def __init__(self, slot, target, size, offset, uid, sha256, ctype, token):
        self.slot, self.target, self.size, self.offset, self.uid = slot, target, size, offset, uid
        self.sha256, self.ctype, self.token = sha256, ctype, token
        self.etag = None
        self.inflight = 0
        self.evicted = self.unlinked = False
        self.index = -1


class Content:
    """Upload bodies: a 16-byte id unique to the slot, then a slice of one random pool."""

    def __init__(self, seed):
        self.pool = random.Random(seed).randbytes(MAX_SIZE + 8 * MIB)
        self.view = memoryview(self.pool)

    def make(self, uid, offset, size):
        return b"".join((uid, self.view[offset:offset + size - len(uid)]))

    def part(self, uid, offset, first, last):
        """Bytes first..last (inclusive) of make(uid, offset, size), without building the whole body."""
        n = len(uid)
        head = uid[first:last + 1] if first < n else b""
        lo, hi = max(first, n) - n, last + 1 - n
        return head + (self.view[offset + lo:offset + hi].tobytes() if hi > lo else b"")


class Registry:
    """Stored files eligible for downloads; evicts (and deletes on disk) the oldest above the cap."""

    def __init__(self, cap_bytes, store, errors):
        self.lock = threading.Lock()
        self.live = []
        self.order = collections.deque()
        self.total = 0
        self.cap = cap_bytes
        self.store = store
        self.errors = errors
        self.evicted_files = self.evicted_bytes = 0

    def add(self, rec):
        victims = []
        with self.lock:
            rec.index = len(self.live)
            self.live.append(rec)
            self.order.append(rec)
            self.total += rec.size
            while self.total > self.cap and len(self.order) > 1:
                old = self.order.popleft()
                self._remove_live(old)
                self.total -= old.size
                old.evicted = True
                self.evicted_files += 1
                self.evicted_bytes += old.size
                if old.inflight == 0:
                    old.unlinked = True
                    victims.append(old)
        for old in victims:
            self._unlink(old)

    def _remove_live(self, rec):
        last = self.live.pop()
        if last is not rec:
            self.live[rec.index] = last
            last.index = rec.index
        rec.index = -1

    def pick(self, rng):
        with self.lock:
            if not self.live:
                return None
            rec = self.live[rng.randrange(len(self.live))]
            rec.inflight += 1
            return rec

    def release(self, rec):
        with self.lock:
            rec.inflight -= 1
            unlink = rec.evicted and rec.inflight == 0 and not rec.unlinked
            if unlink:
                rec.unlinked = True
        if unlink:
            self._unlink(rec)

    def stored_path(self, slot):
        h = hashlib.sha256(slot.encode("utf-8")).hexdigest()
        return os.path.join(self.store, "files", h[:2], h)

    def _unlink(self, rec):
        try:
            os.unlink(self.stored_path(rec.slot))
        except FileNotFoundError:
            self.errors.add("evict", "mismatch", f"stored file of {rec.slot!r} ({rec.size} B) is not on disk")

    def counts(self):
        with self.lock:
            return len(self.live), self.total


# ---------------------------------------------------------------------------------------------
# Counting.
class Errors:
    """Every error counted, the first ones kept with their details."""
    KEEP = 40

    def __init__(self):
        self.lock = threading.Lock()
        self.total = 0
        self.by_kind = collections.Counter()
        self.examples = []

    def add(self, op, kind, detail):
        with self.lock:
            self.total += 1
            self.by_kind[f"{op}/{kind}"] += 1
            if len(self.examples) < self.KEEP:
                self.examples.append(f"{time.strftime('%H:%M:%S')} {op} {kind}: {detail}")
        print(f"ERROR {op} {kind}: {detail}", file=sys.stderr, flush=True)


class WorkerStats:
    """One worker's counters (only that worker writes them; readers tolerate a torn read)."""

    def __init__(self):
        self.requests = collections.Counter()   # op -> requests
        self.up = collections.Counter()         # op -> request body bytes sent
        self.down = collections.Counter()       # op -> response body bytes received
        self.errors = collections.Counter()     # op -> errors
        self.statuses = collections.Counter()   # (op, status) -> n
        self.latency = collections.defaultdict(list)  # op -> seconds (measured window only)
        self.cpu = collections.Counter()        # op -> this thread's CPU seconds spent on it


class TransportError(Exception):
    pass


def media_type(value):
    """A Content-Type value without the spelling freedom RFC 9110 allows: type and parameter names
    lower case, no whitespace around ';' and '='. Tomcat re-serialises a charset parameter
    ("text/plain; charset=utf-8" is sent back as "text/plain;charset=utf-8"): the same media type."""
    if value is None:
        return None
    parts = [p.strip() for p in value.split(";")]
    params = []
    for p in parts[1:]:
        name, _, val = p.partition("=")
        params.append(f"{name.strip().lower()}={val.strip()}")
    return ";".join([parts[0].lower()] + params)


# ---------------------------------------------------------------------------------------------
# The workload.
class Worker(threading.Thread):
    def __init__(self, n, shared):
        super().__init__(name=f"soak-{n:02d}", daemon=True)
        self.n = n
        self.s = shared
        self.rng = random.Random(shared.seed * 1000 + n)
        self.stats = WorkerStats()
        self.conn = None
        self.counter = 0
        self.last_op = "client"
        self.weights = [shared.mix[op] for op in OPS]

    # -- HTTP ---------------------------------------------------------------------------------
    def request(self, method, target, headers, body=None, declared_length=None):
        """One request on the worker's keep-alive connection. body=None with declared_length
        sends only the headers (the caller sets Expect: 100-continue). Returns
        (status, headers, body bytes, seconds); raises TransportError."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.s.host, self.s.port, timeout=self.s.timeout)
        conn = self.conn
        t0 = time.perf_counter()
        try:
            if body is None and declared_length is not None:
                conn.putrequest(method, target, skip_accept_encoding=True)
                conn.putheader("Content-Length", str(declared_length))
                for k, v in headers.items():
                    conn.putheader(k, v)
                conn.endheaders()
            else:
                conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.will_close:
                conn.close()
                self.conn = None
            return resp.status, resp.headers, data, time.perf_counter() - t0
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            self.conn = None
            raise TransportError(f"{type(e).__name__}: {e}") from e

    # -- bookkeeping --------------------------------------------------------------------------
    def outcome(self, op, status, seconds, up, down, error=None):
        self.last_op = op
        st = self.stats
        st.requests[op] += 1
        st.up[op] += up
        st.down[op] += down
        st.statuses[(op, status)] += 1
        if self.s.measuring:
            st.latency[op].append(seconds)
        if error:
            st.errors[op] += 1
            self.s.errors.add(op, "status" if error[0] == "status" else "mismatch", error[1])

    def transport_error(self, op, method, target, err, up=0):
        self.last_op = op
        st = self.stats
        st.requests[op] += 1
        st.up[op] += up
        st.statuses[(op, "conn")] += 1
        st.errors[op] += 1
        self.s.errors.add(op, "transport", f"{method} {target}: {err}")

    def new_slot(self):
        self.counter += 1
        r = self.rng.random()
        if r < 0.125:
            name = f"фото über {self.n:02d}-{self.counter:06d}.jpg"
        elif r < 0.25:
            name = f"notes {self.n:02d}-{self.counter:06d}.txt"
        else:
            name = f"{self.n:02d}-{self.counter:06d}.bin"
        slot = f"soak/{self.s.run_id}/{name}"
        target = self.s.context + "/" + urllib.parse.quote(slot, safe="/")
        return slot, target, CONTENT_TYPES[os.path.splitext(name)[1]]

    def random_size(self):
        if self.rng.random() < 0.5:
            return self.rng.randint(MIN_SIZE, MAX_SIZE)
        return int(math.exp(self.rng.uniform(math.log(MIN_SIZE), math.log(MAX_SIZE))))

    def signed(self, slot, size):
        return sign_token(self.s.key, slot, size)

    # -- operations ---------------------------------------------------------------------------
    def op_put(self):
        slot, target, ctype = self.new_slot()
        size = self.random_size()
        offset = self.rng.randrange(len(self.s.content.pool) - size)
        uid = hashlib.sha256(slot.encode()).digest()[:16]
        body = self.s.content.make(uid, offset, size)
        tok = self.signed(slot, size)
        url = f"{target}?v={tok}"
        try:
            status, _, data, t = self.request("PUT", url, {"Content-Type": ctype}, body=body)
        except TransportError as e:
            return self.transport_error("put", "PUT", target, e, up=size)
        err = None if status == 201 else ("status", f"PUT {target} ({size} B): expected 201, got {status} {data[:200]!r}")
        self.outcome("put", status, t, size, len(data), err)
        if status == 201:
            self.s.registry.add(StoredRecord(slot, target, size, offset, uid,
                                             hashlib.sha256(body).hexdigest(), ctype, tok))

    def check_etag(self, rec, headers, what):
        etag = headers.get("ETag")
        if not etag:
            return f"{what}: no ETag"
        if rec.etag is None:
            rec.etag = etag
        elif rec.etag != etag:
            return f"{what}: ETag changed from {rec.etag} to {etag}"
        return None

    def verify_whole(self, rec, status, headers, data, what):
        if status != 200:
            return ("status", f"{what}: expected 200, got {status} {data[:200]!r}")
        problems = []
        if len(data) != rec.size:
            problems.append(f"{len(data)} bytes instead of {rec.size}")
        elif hashlib.sha256(data).hexdigest() != rec.sha256:
            problems.append("SHA-256 differs from the uploaded bytes")
        if headers.get("Content-Length") != str(rec.size):
            problems.append(f"Content-Length {headers.get('Content-Length')}")
        got = headers.get("Content-Type")
        if got != rec.ctype:
            if media_type(got) == media_type(rec.ctype):
                self.s.spellings.add((rec.ctype, got))
            else:
                problems.append(f"Content-Type {got!r} instead of {rec.ctype!r}")
        e = self.check_etag(rec, headers, what)
        if e:
            problems.append(e)
        return ("mismatch", f"{what}: " + "; ".join(problems)) if problems else None

    def op_get(self, rec):
        try:
            status, headers, data, t = self.request("GET", rec.target, {})
        except TransportError as e:
            return self.transport_error("get", "GET", rec.target, e)
        self.outcome("get", status, t, 0, len(data),
                     self.verify_whole(rec, status, headers, data, f"GET {rec.target}"))

    def op_head(self, rec):
        what = f"HEAD {rec.target}"
        try:
            status, headers, data, t = self.request("HEAD", rec.target, {})
        except TransportError as e:
            return self.transport_error("head", "HEAD", rec.target, e)
        err = None
        if status != 200:
            err = ("status", f"{what}: expected 200, got {status}")
        else:
            problems = []
            if headers.get("Content-Length") != str(rec.size):
                problems.append(f"Content-Length {headers.get('Content-Length')} instead of {rec.size}")
            if data:
                problems.append(f"{len(data)} body bytes")
            e = self.check_etag(rec, headers, what)
            if e:
                problems.append(e)
            if problems:
                err = ("mismatch", f"{what}: " + "; ".join(problems))
        self.outcome("head", status, t, 0, len(data), err)

    def op_range(self, rec):
        size, r = rec.size, self.rng.random()
        if r < 0.7:
            a = self.rng.randrange(size)
            b = min(size - 1, a + self.rng.randint(0, 256 * KIB))
            spec, first, last = f"{a}-{b}", a, b
        elif r < 0.8:
            a = self.rng.randrange(size)
            spec, first, last = f"{a}-", a, size - 1
        elif r < 0.9:
            n = self.rng.randint(1, size)
            spec, first, last = f"-{n}", size - n, size - 1
        else:
            spec, first, last = f"{size}-", None, None
        what = f"GET {rec.target} Range: bytes={spec}"
        try:
            status, headers, data, t = self.request("GET", rec.target, {"Range": f"bytes={spec}"})
        except TransportError as e:
            return self.transport_error("range", "GET", what, e)
        err = None
        if first is None:
            if status != 416:
                err = ("status", f"{what}: expected 416, got {status}")
            elif headers.get("Content-Range") != f"bytes */{size}":
                err = ("mismatch", f"{what}: Content-Range {headers.get('Content-Range')!r}")
        elif status != 206:
            err = ("status", f"{what}: expected 206, got {status} {data[:200]!r}")
        else:
            problems = []
            if headers.get("Content-Range") != f"bytes {first}-{last}/{size}":
                problems.append(f"Content-Range {headers.get('Content-Range')!r}")
            expected = self.s.content.part(rec.uid, rec.offset, first, last)
            if data != expected:
                problems.append(f"{len(data)} bytes, not the uploaded bytes {first}-{last}")
            if problems:
                err = ("mismatch", f"{what}: " + "; ".join(problems))
        self.outcome("range", status, t, 0, len(data), err)

    def op_cond(self, rec):
        if rec.etag is None:            # not downloaded yet: learn its ETag first
            return self.op_head(rec)
        match = self.rng.random() < 0.8
        tag = rec.etag if match else '"soak-no-such-tag"'
        what = f"GET {rec.target} If-None-Match: {tag}"
        try:
            status, headers, data, t = self.request("GET", rec.target, {"If-None-Match": tag})
        except TransportError as e:
            return self.transport_error("cond", "GET", what, e)
        if match:
            err = None
            if status != 304:
                err = ("status", f"{what}: expected 304, got {status}")
            elif data or headers.get("ETag") != rec.etag:
                err = ("mismatch", f"{what}: 304 with {len(data)} body bytes, ETag {headers.get('ETag')}")
        else:
            err = self.verify_whole(rec, status, headers, data, what)
        self.outcome("cond", status, t, 0, len(data), err)

    def refused_put(self, op, target, size, expected, body_source):
        """A PUT the service must refuse before reading the body."""
        headers = {"Content-Type": "application/octet-stream"}
        if size <= SMALL_BAD_BODY:
            body, declared, up = body_source(), None, size
        else:
            headers["Expect"] = "100-continue"
            body, declared, up = None, size, 0
        try:
            status, _, data, t = self.request("PUT", target, headers, body=body, declared_length=declared)
        except TransportError as e:
            return self.transport_error(op, "PUT", f"{target.split('?')[0]} ({size} B)", e, up=up)
        err = None if status == expected else (
            "status", f"PUT {target.split('?')[0]} ({size} B): expected {expected}, got {status} {data[:200]!r}")
        self.outcome(op, status, t, up, len(data), err)

    def op_badtoken(self):
        slot, target, _ = self.new_slot()
        size = self.random_size()
        tok = list(self.signed(slot, size))
        i = self.rng.randrange(len(tok))
        tok[i] = "0" if tok[i] != "0" else "1"
        self.refused_put("badtoken", f"{target}?v={''.join(tok)}", size, 403,
                         lambda: self.rng.randbytes(size))

    def op_replay(self, rec):
        self.refused_put("replay", f"{rec.target}?v={rec.token}", rec.size, 409,
                         lambda: self.s.content.make(rec.uid, rec.offset, rec.size))

    def one(self):
        t0 = time.thread_time()
        try:
            self.dispatch()
        finally:
            self.stats.cpu[self.last_op] += time.thread_time() - t0

    def dispatch(self):
        s = self.s
        op = self.rng.choices(OPS, self.weights)[0]
        if op == "put":
            return self.op_put()
        if op == "badtoken":
            return self.op_badtoken()
        rec = s.registry.pick(self.rng)
        if rec is None:                 # nothing stored yet
            return self.op_put()
        try:
            getattr(self, "op_" + op)(rec)
        finally:
            s.registry.release(rec)

    def run(self):
        s = self.s
        try:
            while not s.stop.is_set():
                try:
                    self.one()
                except Exception as e:  # a bug in this script: counted as an error, the worker goes on
                    s.errors.add("client", "exception", f"{type(e).__name__}: {e}")
                    time.sleep(0.1)
        finally:
            if self.conn is not None:
                self.conn.close()


# ---------------------------------------------------------------------------------------------
# The server's side: /proc and jcmd.
def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("Threads", "VmRSS"):
                out[k] = int(v.split()[0])
    return out


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fd_summary(pid, store):
    kinds = collections.Counter()
    names = os.listdir(f"/proc/{pid}/fd")
    for name in names:
        try:
            link = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue                    # closed meanwhile
        if link.startswith("socket:"):
            kinds["socket"] += 1
        elif link.startswith("pipe:"):
            kinds["pipe"] += 1
        elif link.startswith("anon_inode:"):
            kinds["anon_inode"] += 1
        elif link.startswith(store + "/"):
            kinds["storage"] += 1
            if link.endswith(" (deleted)"):  # open although its file was deleted (evicted, or a temp file)
                kinds["storage_deleted"] += 1
        elif link.endswith(".jar"):
            kinds["jar"] += 1
        else:
            kinds["other"] += 1
    return len(names), dict(kinds)


def jcmd(pid, *args):
    try:
        p = subprocess.run(["jcmd", str(pid), *args], capture_output=True, text=True, timeout=120)
        return p.stdout
    except (OSError, subprocess.SubprocessError) as e:
        return f"jcmd failed: {e}"


HEAP_RE = re.compile(r"heap\s+total (\d+)K, used (\d+)K")
META_RE = re.compile(r"Metaspace\s+used (\d+)K")


def heap_kib(pid):
    text = jcmd(pid, "GC.heap_info")
    m, mm = HEAP_RE.search(text), META_RE.search(text)
    return (int(m.group(2)) if m else None, int(m.group(1)) if m else None, int(mm.group(1)) if mm else None)


def thread_groups(pid):
    """Java thread names from Thread.print, digits folded: 'http-nio-127.0.0.1-N-exec-N' -> count."""
    groups = collections.Counter()
    for line in jcmd(pid, "Thread.print").splitlines():
        if line.startswith('"'):
            groups[re.sub(r"\d+", "N", line[1:line.index('"', 1)])] += 1
    return dict(groups)


def snapshot(pid, store, label):
    """Full GC first (jcmd GC.run = System.gc(), a full collection with G1), then heap used."""
    t0 = time.monotonic()
    jcmd(pid, "GC.run")
    used, committed, meta = heap_kib(pid)
    fds, kinds = fd_summary(pid, store)
    st = proc_status(pid)
    return {"label": label, "fds": fds, "fd_kinds": kinds, "threads": st["Threads"],
            "rss_kib": st["VmRSS"], "heap_used_after_gc_kib": used, "heap_committed_kib": committed,
            "metaspace_kib": meta, "thread_groups": thread_groups(pid),
            "gcutil": gcutil(pid), "loadavg": loadavg(),
            "took_s": round(time.monotonic() - t0, 2)}


def gcutil(pid):
    try:
        p = subprocess.run(["jstat", "-gcutil", str(pid)], capture_output=True, text=True, timeout=60)
        head, vals = p.stdout.split("\n")[:2]
        return dict(zip(head.split(), vals.split()))
    except (OSError, subprocess.SubprocessError, ValueError):
        return {}


def machine_cpu():
    """(busy, iowait) seconds of all CPUs since boot, from the first line of /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = v
    hz = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / hz, iowait / hz


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def storage_tmp_entries(store):
    try:
        return len(os.listdir(os.path.join(store, "tmp")))
    except OSError:
        return -1


# ---------------------------------------------------------------------------------------------
# run
class Shared:
    pass


def totals(workers):
    req = up = down = err = 0
    for w in workers:
        st = w.stats
        req += sum(st.requests.values())
        up += sum(st.up.values())
        down += sum(st.down.values())
        err += sum(st.errors.values())
    return req, up, down, err


def per_op(workers):
    out = {op: {"requests": 0, "up": 0, "down": 0, "errors": 0, "cpu": 0.0} for op in OPS}
    for w in workers:
        st = w.stats
        for op in OPS:
            out[op]["requests"] += st.requests[op]
            out[op]["up"] += st.up[op]
            out[op]["down"] += st.down[op]
            out[op]["errors"] += st.errors[op]
            out[op]["cpu"] += st.cpu[op]
    return out


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def cmd_run(a):
    secret = os.environ.get("BENCH_SECRET")
    if not secret:
        sys.exit("soak_client.py: BENCH_SECRET is not set")
    u = urllib.parse.urlsplit(a.base)
    if u.hostname not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("soak_client.py: loopback only")
    s = Shared()
    s.host, s.port, s.context = u.hostname, u.port, a.context.rstrip("/")
    s.key = secret.encode("utf-8")
    s.seed = a.seed
    s.run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{a.seed}"
    s.timeout = a.timeout
    s.mix = {op: 0 for op in OPS}
    for part in a.mix.split(","):
        k, _, v = part.partition("=")
        if k.strip() not in s.mix:
            sys.exit(f"soak_client.py: unknown operation {k!r} in --mix")
        s.mix[k.strip()] = float(v)
    s.stop = threading.Event()
    s.measuring = False
    s.errors = Errors()
    s.spellings = set()                 # (uploaded Content-Type, the equivalent one served)
    s.registry = Registry(a.cap_mib * MIB, a.store, s.errors)
    s.content = Content(a.seed)
    pid, store = a.pid, a.store
    os.makedirs(a.out, exist_ok=True)

    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    snaps = {}
    log(f"snapshot 'idle before' (pid {pid})")
    snaps["idle_before"] = snapshot(pid, store, "idle, before the load")

    workers = [Worker(i, s) for i in range(a.concurrency)]
    samples_path = os.path.join(a.out, "samples.csv")
    fields = ["elapsed_s", "phase", "requests", "req_per_s", "up_mib_s", "down_mib_s", "errors", "fds",
              "sockets", "threads", "rss_mib", "heap_used_mib", "server_cpu_pct", "client_cpu_pct",
              "other_cpu_pct", "iowait_pct", "stored_files", "stored_mib", "tmp_entries", "loadavg"]
    csv_file = open(samples_path, "w", newline="")
    writer = csv.DictWriter(csv_file, fieldnames=fields)
    writer.writeheader()
    last = {"t": time.monotonic(), "tot": (0, 0, 0, 0), "srv": cpu_seconds(pid), "cli": sum(os.times()[:2]),
            "machine": machine_cpu()}

    def sample(elapsed, phase):
        now = time.monotonic()
        tot = totals(workers)
        srv, cli, machine = cpu_seconds(pid), sum(os.times()[:2]), machine_cpu()
        dt = max(now - last["t"], 1e-9)
        fds, kinds = fd_summary(pid, store)
        st = proc_status(pid)
        heap_used, _, _ = heap_kib(pid)
        files, stored = s.registry.counts()
        row = {
            "elapsed_s": round(elapsed), "phase": phase, "requests": tot[0],
            "req_per_s": round((tot[0] - last["tot"][0]) / dt, 1),
            "up_mib_s": round((tot[1] - last["tot"][1]) / dt / MIB, 2),
            "down_mib_s": round((tot[2] - last["tot"][2]) / dt / MIB, 2),
            "errors": tot[3], "fds": fds, "sockets": kinds.get("socket", 0), "threads": st["Threads"],
            "rss_mib": round(st["VmRSS"] / 1024, 1),
            "heap_used_mib": round(heap_used / 1024, 1) if heap_used is not None else "",
            "server_cpu_pct": round((srv - last["srv"]) / dt * 100),
            "client_cpu_pct": round((cli - last["cli"]) / dt * 100),
            # everything else on the machine (e.g. someone's Maven build), and time waiting for the disk
            "other_cpu_pct": round(((machine[0] - last["machine"][0]) - (srv - last["srv"]) - (cli - last["cli"])) / dt * 100),
            "iowait_pct": round((machine[1] - last["machine"][1]) / dt * 100),
            "stored_files": files, "stored_mib": round(stored / MIB), "tmp_entries": storage_tmp_entries(store),
            "loadavg": loadavg(),
        }
        last.update(t=now, tot=tot, srv=srv, cli=cli, machine=machine)
        writer.writerow(row)
        csv_file.flush()
        log(f"t={row['elapsed_s']:4d}s {phase:7s} {row['req_per_s']:7.1f} req/s  up {row['up_mib_s']:6.1f} "
            f"down {row['down_mib_s']:6.1f} MiB/s  errors {row['errors']}  fds {fds}  threads {st['Threads']}  "
            f"rss {row['rss_mib']} MiB  heap {row['heap_used_mib']} MiB  srv {row['server_cpu_pct']}% "
            f"cli {row['client_cpu_pct']}% other {row['other_cpu_pct']}% iowait {row['iowait_pct']}%  files {files} ({row['stored_mib']} MiB)  load {row['loadavg']}")
        return row

    sample(0, "idle")
    t_start = time.monotonic()
    for w in workers:
        w.start()
    log(f"{a.concurrency} workers started: {a.duration} s of load, warm-up {a.warmup} s, mix {a.mix}")

    marks = {}
    next_sample = a.sample
    warm_done = a.warmup <= 0
    if warm_done:
        s.measuring = True
        marks["start"] = (time.monotonic(), per_op(workers), sum(os.times()[:2]), cpu_seconds(pid))
        machine_start = machine_cpu()
    while True:
        elapsed = time.monotonic() - t_start
        targets = [a.duration, next_sample] + ([a.warmup] if not warm_done else [])
        wake = min(t for t in targets if t > elapsed - 1e-6)
        time.sleep(max(0.0, wake - elapsed))
        elapsed = time.monotonic() - t_start
        if not warm_done and elapsed >= a.warmup:
            warm_done = True
            marks["start"] = (time.monotonic(), per_op(workers), sum(os.times()[:2]), cpu_seconds(pid))
            machine_start = machine_cpu()
            s.measuring = True
            log("warm-up over: snapshot 'start' (under load)")
            snaps["start"] = snapshot(pid, store, f"start: after {a.warmup:g} s warm-up, under load")
        if elapsed >= a.duration - 1e-6:
            break
        if elapsed >= next_sample - 1e-6:
            sample(elapsed, "load")
            next_sample += a.sample
    marks["end"] = (time.monotonic(), per_op(workers), sum(os.times()[:2]), cpu_seconds(pid))
    machine_end = machine_cpu()
    sample(a.duration, "load")
    log("snapshot 'end' (still under load)")
    snaps["end"] = snapshot(pid, store, "end: last seconds of the load, under load")
    s.measuring = False
    s.stop.set()
    for w in workers:
        w.join(a.timeout + 10)
    stuck = [w.name for w in workers if w.is_alive()]
    log(f"load stopped; connections closed; idle {a.idle_after} s")
    time.sleep(a.idle_after)
    sample(time.monotonic() - t_start, "after")
    snaps["idle_after"] = snapshot(pid, store, f"idle, {a.idle_after:g} s after the load")
    csv_file.close()

    # Summaries.
    (t0, ops0, cli0, srv0), (t1, ops1, cli1, srv1) = marks["start"], marks["end"]
    window = t1 - t0
    statuses = collections.Counter()
    lat = collections.defaultdict(list)
    for w in workers:
        for (op, status), n in w.stats.statuses.items():
            statuses[f"{op} {status}"] += n
        for op, values in w.stats.latency.items():
            lat[op].extend(values)
    ops = {}
    for op in OPS:
        values = sorted(lat[op])
        d = {k: ops1[op][k] - ops0[op][k] for k in ("requests", "up", "down", "cpu")}
        ops[op] = {
            "requests_total": per_op(workers)[op]["requests"],
            "errors_total": per_op(workers)[op]["errors"],
            "req_per_s": d["requests"] / window,
            "up_mib_s": d["up"] / window / MIB,
            "down_mib_s": d["down"] / window / MIB,
            "client_cpu_us": d["cpu"] / max(d["requests"], 1) * 1e6,
            "p50_ms": (percentile(values, 50) or 0) * 1000,
            "p90_ms": (percentile(values, 90) or 0) * 1000,
            "p99_ms": (percentile(values, 99) or 0) * 1000,
            "max_ms": (values[-1] if values else 0) * 1000,
            "statuses": {k.split(" ", 1)[1]: n for k, n in sorted(statuses.items()) if k.split(" ", 1)[0] == op},
        }
    req_all, up_all, down_all, _ = totals(workers)
    files, stored = s.registry.counts()
    result = {
        "idle_after_s": a.idle_after, "concurrency": a.concurrency, "duration_s": a.duration, "warmup_s": a.warmup, "window_s": window,
        "mix": a.mix, "cap_mib": a.cap_mib, "seed": a.seed, "timeout_s": a.timeout,
        "errors": s.errors.total, "errors_by_kind": dict(s.errors.by_kind), "error_examples": s.errors.examples,
        "stuck_workers": stuck,
        "requests_total": req_all, "up_bytes_total": up_all, "down_bytes_total": down_all,
        "ops": ops,
        "server_cpu_pct_window": (srv1 - srv0) / window * 100,
        "client_cpu_pct_window": (cli1 - cli0) / window * 100,
        "other_cpu_pct_window": ((machine_end[0] - machine_start[0]) - (srv1 - srv0) - (cli1 - cli0)) / window * 100,
        "iowait_pct_window": (machine_end[1] - machine_start[1]) / window * 100,
        "stored_files_end": files, "stored_bytes_end": stored,
        "evicted_files": s.registry.evicted_files, "evicted_bytes": s.registry.evicted_bytes,
        "tmp_entries_after": storage_tmp_entries(store),
        "snapshots": snaps, "samples_csv": samples_path,
        "content_type_spellings": sorted(s.spellings),
    }
    with open(os.path.join(a.out, "result.json"), "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
    log(f"done: {req_all} requests, {s.errors.total} errors")
    return 0 if s.errors.total == 0 and not stuck else 1


# ---------------------------------------------------------------------------------------------
# report
OP_LABEL = {
    "put": "PUT new file (1 KiB–2 MiB) → 201",
    "get": "GET whole file, SHA-256 checked → 200",
    "head": "HEAD → 200",
    "range": "GET Range, bytes checked → 206 (416)",
    "cond": "GET If-None-Match → 304 (200)",
    "badtoken": "PUT wrong token → 403",
    "replay": "PUT again, same URL → 409",
}


def mib(kib):
    return "–" if kib is None else f"{kib / 1024:.1f} MiB"


def cmd_report(a):
    with open(a.result) as f:
        r = json.load(f)
    meta = []
    with open(a.meta) as f:
        for line in f:
            if "\t" in line:
                meta.append(line.rstrip("\n").split("\t", 1))
    S = r["snapshots"]
    cols = [("idle_before", "idle, before load"), ("start", f"start (after {r['warmup_s']:g} s warm-up, under load)"),
            ("end", "end (under load)"), ("idle_after", f"idle, {r.get('idle_after_s', 0):g} s after the load")]
    cols = [(k, label) for k, label in cols if k in S]
    out = []
    p = out.append
    status = "**0 errors**" if r["errors"] == 0 else f"**{r['errors']} ERRORS**"
    p(f"# Soak: {r['duration_s']:g} s at concurrency {r['concurrency']} — {status}")
    p("")
    for k, v in meta:
        p(f"- {k}: {v}")
    p("")
    p("## Summary")
    p("")
    p("| | " + " | ".join(label for _, label in cols) + " |")
    p("|---|" + "---:|" * len(cols))
    p(f"| errors (whole run) | {r['errors']} (of {r['requests_total']} requests) |" + " |" * (len(cols) - 1))

    def row(name, fn):
        p(f"| {name} | " + " | ".join(fn(S[k]) for k, _ in cols) + " |")

    row("open file descriptors", lambda s: f"{s['fds']}")
    row("&nbsp;&nbsp;of which sockets / storage files / jars / other",
        lambda s: "{} / {} / {} / {}".format(s["fd_kinds"].get("socket", 0), s["fd_kinds"].get("storage", 0),
                                             s["fd_kinds"].get("jar", 0),
                                             sum(v for k, v in s["fd_kinds"].items() if k not in ("socket", "storage", "storage_deleted", "jar"))))
    row("&nbsp;&nbsp;storage files open although deleted", lambda s: str(s["fd_kinds"].get("storage_deleted", 0)))
    row("threads (/proc status)", lambda s: f"{s['threads']}")
    row("&nbsp;&nbsp;of which connector workers (`exec`)",
        lambda s: str(sum(v for k, v in s["thread_groups"].items() if "exec" in k)))
    row("heap used after full GC", lambda s: mib(s["heap_used_after_gc_kib"]))
    row("metaspace used", lambda s: mib(s["metaspace_kib"]))
    row("RSS", lambda s: mib(s["rss_kib"]))
    row("GC: young / full collections, total GC s", lambda s: "{} / {} / {}".format(
        s["gcutil"].get("YGC", "?"), s["gcutil"].get("FGC", "?"), s["gcutil"].get("GCT", "?")))
    row("load average (1/5/15 min)", lambda s: s["loadavg"])
    p("")
    p(f"Throughput over the measured window ({r['window_s']:.0f} s after the warm-up); latency from the "
      "request's first byte sent to the last byte of the answer read, per request:")
    p("")
    p("| operation | requests (whole run) | req/s | MiB/s up | MiB/s down | p50 ms | p90 ms | p99 ms | max ms | client CPU µs/req | statuses (whole run) | errors |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    tr = tu = td = 0.0
    for op in OPS:
        o = r["ops"][op]
        tr += o["req_per_s"]
        tu += o["up_mib_s"]
        td += o["down_mib_s"]
        sts = ", ".join(f"{k}: {v}" for k, v in o["statuses"].items())
        p(f"| {OP_LABEL[op]} | {o['requests_total']} | {o['req_per_s']:.1f} | {o['up_mib_s']:.1f} | "
          f"{o['down_mib_s']:.1f} | {o['p50_ms']:.1f} | {o['p90_ms']:.1f} | {o['p99_ms']:.1f} | {o['max_ms']:.0f} | "
          f"{o.get('client_cpu_us', 0):.0f} | {sts} | {o['errors_total']} |")
    p(f"| **all** | {r['requests_total']} | **{tr:.1f}** | **{tu:.1f}** | **{td:.1f}** | | | | | | | **{r['errors']}** |")
    p("")
    p(f"CPU over the window, in % of one core ({os.cpu_count()} cores in all): server (JVM) "
      f"{r['server_cpu_pct_window']:.0f} %, this client {r['client_cpu_pct_window']:.0f} %, everything else on "
      f"the machine {r['other_cpu_pct_window']:.0f} %; I/O wait {r['iowait_pct_window']:.0f} %. Uploaded data in the whole run: "
      f"{r['up_bytes_total'] / MIB / 1024:.1f} GiB up, {r['down_bytes_total'] / MIB / 1024:.1f} GiB down; "
      f"stored at the end {r['stored_files_end']} files, {r['stored_bytes_end'] / MIB:.0f} MiB "
      f"(cap {r['cap_mib']} MiB; {r['evicted_files']} older files, {r['evicted_bytes'] / MIB / 1024:.1f} GiB, "
      f"deleted from the storage directory during the run). Entries left in the storage's `tmp/` after the "
      f"load: {r['tmp_entries_after']}.")
    p("")
    for sent, served in r.get("content_type_spellings", []):
        p(f"Not an error: `Content-Type: {sent}` was served back as `{served}` (the same media type; Tomcat "
          "re-serialises the charset parameter).")
        p("")
    if r["errors"] or r["stuck_workers"]:
        p("## Errors")
        p("")
        for k, v in sorted(r["errors_by_kind"].items()):
            p(f"- {k}: {v}")
        if r["stuck_workers"]:
            p(f"- workers still running at the end: {', '.join(r['stuck_workers'])}")
        p("")
        p("First ones:")
        p("")
        for e in r["error_examples"]:
            p(f"    {e}")
        p("")
    # Thread groups that differ between snapshots.
    names = sorted(set().union(*(S[k]["thread_groups"].keys() for k, _ in cols)))
    changed = [n for n in names if len({S[k]["thread_groups"].get(n, 0) for k, _ in cols}) > 1]
    p("## Java threads by name (digits folded to N), where the count changed")
    p("")
    if changed:
        p("| thread name | " + " | ".join(label for _, label in cols) + " |")
        p("|---|" + "---:|" * len(cols))
        for n in changed:
            p(f"| `{n}` | " + " | ".join(str(S[k]["thread_groups"].get(n, 0)) for k, _ in cols) + " |")
    else:
        p("No change.")
    p("")
    p(f"## Samples every {a.sample_note} (`{os.path.basename(r['samples_csv'])}`)")
    p("")
    with open(a.samples) as f:
        rows = list(csv.DictReader(f))
    keys = ["elapsed_s", "phase", "req_per_s", "up_mib_s", "down_mib_s", "errors", "fds", "sockets", "threads",
            "rss_mib", "heap_used_mib", "server_cpu_pct", "client_cpu_pct", "other_cpu_pct", "iowait_pct", "stored_files", "stored_mib",
            "tmp_entries", "loadavg"]
    p("| " + " | ".join(keys) + " |")
    p("|" + "---:|" * len(keys))
    for row_ in rows:
        p("| " + " | ".join(str(row_[k]) for k in keys) + " |")
    p("")
    p("heap_used_mib in the samples is without a forced GC (whatever the heap held at that moment); the "
      "summary's heap figures are after `jcmd <pid> GC.run`.")
    print("\n".join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    r.add_argument("--context", default="/upload")
    r.add_argument("--pid", type=int, required=True, help="the server JVM")
    r.add_argument("--store", required=True, help="httpupload.storageDir")
    r.add_argument("--out", required=True)
    r.add_argument("--duration", type=float, default=600)
    r.add_argument("--warmup", type=float, default=30)
    r.add_argument("--sample", type=float, default=30)
    r.add_argument("--idle-after", type=float, default=70,
                   help="seconds of idleness before the last snapshot (Tomcat ends idle workers after 60 s)")
    r.add_argument("--concurrency", type=int, default=32)
    r.add_argument("--cap-mib", type=int, default=2048)
    r.add_argument("--timeout", type=float, default=60)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--mix", default=DEFAULT_MIX)
    q = sub.add_parser("report")
    q.add_argument("result")
    q.add_argument("meta")
    q.add_argument("samples")
    q.add_argument("--sample-note", default="30 s")
    a = ap.parse_args()
    if a.cmd == "run":
        if a.warmup >= a.duration:
            sys.exit("soak_client.py: --warmup must be shorter than --duration")
        a.store = os.path.realpath(a.store)
        sys.exit(cmd_run(a))
    cmd_report(a)


if __name__ == "__main__":
    main()
