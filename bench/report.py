#!/usr/bin/python3
"""Turns the raw cells of one bench/run.sh run into the markdown report.

  report.py CELLS_TSV META_FILE NOTES_FILE CLK_TCK BIG_MIB > report.md

CELLS_TSV  one line per measured cell (header line first), written by run.sh.
META_FILE  "key<TAB>value" lines describing the run (versions, settings); printed as a list.
NOTES_FILE free text lines (protocol probes) printed under "Observations".

For each workload and server one round is reported: the median by total CPU per request, the
lower of the two middle ones for an even count (so with the default 2 rounds, the better round).
The other rounds are listed beside it and in full in the second table. Its total CPU per request
is divided by nginx's and by DefaultServlet's reported round of the same workload.
Besides nginx, DefaultServlet and our WAR in the same Tomcat, the file-system rows may hold our WAR
on Jetty 12 (jetty, every row), an empty servlet in the same Tomcat (floor, GET 4 KiB only) and our
WAR with httpupload.fsync=true (fsync, PUT 1 MiB only); the summary table puts them side by side.
The S3 rows (servers s3svc, s3direct) get their own tables: our service on the S3 backend against
the same S3Proxy asked directly, as a ratio service/direct. CPU comes from /proc/<pid>/stat utime/stime in
clock ticks (1/CLK_TCK s), so one tick is the resolution of every CPU figure.
"""
import csv
import sys

SERVERS = ["nginx", "default", "floor", "ours", "base", "jetty", "fsync"]  # file-system rows, in table order
SERVER_LABEL = {
    "nginx": "nginx (dav, sendfile)",
    "default": "Tomcat DefaultServlet",
    "floor": "empty servlet (Tomcat floor)",
    "ours": "http-upload-servlet",
    "jetty": "http-upload-servlet on Jetty",
    "fsync": "http-upload-servlet, fsync on",
    "base": "http-upload-servlet, earlier build (BASE_WAR)",
    "s3svc": "http-upload-servlet on S3 (Tomcat + S3Proxy)",
    "s3direct": "S3Proxy direct",
}
S3_SERVERS = ["s3svc", "s3direct"]
# S3 answers a PUT with 200 (our service with 201)
EXPECTED_OVERRIDE = {("put1m", "s3direct"): "200", ("putbig", "s3direct"): "200"}
# the floor answers every GET with an empty body
BODY_OVERRIDE = {("get4k", "floor"): 0}
MIB = 1024 * 1024
# workload key -> (label, expected status, how the throughput is counted, body bytes per response
# for GET rows measured with wrk: the average response size must lie between that and that plus
# HEADER_ALLOWANCE, which catches e.g. a Range answered with the whole file even where wrk did not
# count status codes). The labels of the large transfers get their size in main().
WORKLOADS = {
    "get4k": ("GET 4 KiB", "200", "received", 4096),
    "get1m": ("GET 1 MiB", "200", "received", MIB),
    "range": ("GET Range bytes=0-65535 of 1 MiB", "206", "received", 65536),
    "put1m": ("PUT 1 MiB, new file each (c=8)", "201", "sent", None),
    "putbig": ("PUT {big} MiB, one (curl)", "201", "sent", None),
    "getbig": ("GET {big} MiB, one (curl)", "200", "received", None),
}
HEADER_ALLOWANCE = 2048
CONNECTIONS = 8  # wrk -c in run.sh


class Cell:
    def __init__(self, row, tick_us):
        self.workload = row["workload"]
        self.server = row["server"]
        self.round = row["round"]
        self.requests = int(row["requests"])
        self.duration_s = int(row["duration_us"]) / 1e6
        self.bytes_received = int(row["bytes_received"])
        self.bytes_sent = int(row["bytes_sent"])
        self.statuses = row["statuses"]
        self.status_gt399 = int(row["status_gt399"])
        self.sock_errors = row["sock_errors"]
        # "growth/start" in KiB for the large PUT, "-" elsewhere
        self.rss_growth_kib, self.rss_start_kib = (
            map(int, row["rss_kib"].split("/")) if row["rss_kib"] != "-" else (None, None))
        self.p50_us = row["p50_us"]
        self.p99_us = row["p99_us"]
        # S3 rows: S3Proxy's share of the CPU ticks; for the large transfers the JVM's heap
        store = row.get("store_ticks") or "-"
        self.store_us = int(store) * tick_us / max(self.requests, 1) if store != "-" else None
        heap = row.get("heap") or "-"
        # connections closed during a wrk cell, wrk's own at its exit included; None for curl cells
        closed = row.get("closed") or "-"
        self.closed = int(closed) if closed != "-" else None
        self.heap = tuple(map(int, heap.split("/"))) if heap != "-" else None  # max_used_kib, ygc, gc_ms, start_kib
        n = max(self.requests, 1)
        self.user_us = int(row["user_ticks"]) * tick_us / n
        self.sys_us = int(row["sys_ticks"]) * tick_us / n
        self.total_us = self.user_us + self.sys_us

    @property
    def req_per_s(self):
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def mib_per_s(self):
        direction = WORKLOADS[self.workload][2]
        moved = self.bytes_sent if direction == "sent" else self.bytes_received
        return moved / MIB / self.duration_s if self.duration_s else 0.0

    def bytes_per_response(self):
        return self.bytes_received / self.requests if self.requests else 0.0

    def status_text(self):
        text = self.statuses if self.statuses != "-" else f"not counted, {self.status_gt399} above 399"
        if self.body() is not None:
            text += f"; {self.bytes_per_response():,.0f} B/response"
        if self.sock_errors != "0/0/0/0":
            text += f"; socket errors c/r/w/t {self.sock_errors}"
        return text

    def body(self):
        return BODY_OVERRIDE.get((self.workload, self.server), WORKLOADS[self.workload][3])

    def reconnected(self):
        """More connections closed during the cell than wrk opened (its CONNECTIONS and the test
        connection wrk.resolve makes at start-up): some were closed and reopened."""
        return self.closed is not None and self.closed > CONNECTIONS + 1

    def unexpected(self):
        _, expected, _, _ = WORKLOADS[self.workload]
        body = self.body()
        expected = EXPECTED_OVERRIDE.get((self.workload, self.server), expected)
        if self.statuses == "-":
            wrong = self.status_gt399 > 0
        else:
            wrong = any(part.split(":")[0] != expected for part in self.statuses.split(","))
        allowance = HEADER_ALLOWANCE
        if body is not None and self.server in S3_SERVERS and self.requests:
            # S3 rows run at a few req/s for 1 MiB: wrk also counts the bytes of the up to
            # CONNECTIONS responses still in flight when the cell ends, a visible share there
            allowance += CONNECTIONS * body / self.requests
        if body is not None and not body <= self.bytes_per_response() < body + allowance:
            wrong = True
        return wrong or self.sock_errors != "0/0/0/0" or self.requests == 0


def fmt(x, digits=1):
    if x >= 10000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.{digits}f}"


def s3_section(w, cells, by_key, best, big_mib):
    if not any(c.server in S3_SERVERS for c in cells):
        return
    w("## S3 backend: our service on S3Proxy against the same S3Proxy directly")
    w("")
    w("`service` = our WAR at `/upload-s3` (`httpupload.storage=s3`) in the same Tomcat, storing in a "
      "private S3Proxy (filesystem-nio2); its CPU is the Tomcat JVM **plus** S3Proxy's (the whole path "
      "a client's request costs), with S3Proxy's share given separately. `direct` = the same requests "
      "sent unsigned to that S3Proxy (`s3proxy.authorization=none`), its CPU only. `service/direct` = "
      "total CPU per request of the service divided by the direct one, within this run. Cells are "
      "the median round, as above; `rounds` lists every round (service / direct).")
    w("")
    w("| Workload | service CPU µs/req | of which S3Proxy | direct CPU µs/req | service/direct | service req/s | direct req/s | rounds (service / direct) | statuses (service; direct) |")
    w("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for wl in ("get4k", "get1m", "range", "put1m"):
        svc, direct = best.get((wl, "s3svc")), best.get((wl, "s3direct"))
        if svc is None or direct is None:
            continue
        ratio = f"{svc.total_us / direct.total_us:.2f}×" if direct.total_us > 0 else "n/a"
        rounds = " / ".join(", ".join(fmt(x.total_us) for x in by_key[(wl, s)]) for s in S3_SERVERS)
        share = fmt(svc.store_us) if svc.store_us is not None else ""
        w(f"| {WORKLOADS[wl][0]} | {fmt(svc.total_us)} | {share} | {fmt(direct.total_us)} | {ratio} | "
          f"{fmt(svc.req_per_s)} | {fmt(direct.req_per_s)} | {rounds} | {svc.status_text()}; {direct.status_text()} |")
    for wl in ("putbig", "getbig"):
        svc, direct = best.get((wl, "s3svc")), best.get((wl, "s3direct"))
        if svc is None or direct is None:
            continue
        mib = float(big_mib)
        ratio = f"{svc.total_us / direct.total_us:.2f}×" if direct.total_us > 0 else "n/a"
        rounds = " / ".join(", ".join(f"{x.total_us / 1000 / mib:.2f}" for x in by_key[(wl, s)]) for s in S3_SERVERS)
        share = f"{svc.store_us / 1000 / mib:.2f}" if svc.store_us is not None else ""
        w(f"| {WORKLOADS[wl][0]}: CPU **ms/MiB** | {svc.total_us / 1000 / mib:.2f} | {share} | "
          f"{direct.total_us / 1000 / mib:.2f} | {ratio} | {svc.duration_s:.2f} s ({svc.duration_s * 1000 / mib:.2f} ms/MiB wall) | "
          f"{direct.duration_s:.2f} s ({direct.duration_s * 1000 / mib:.2f} ms/MiB wall) | {rounds} | "
          f"{svc.statuses}; {direct.statuses} |")
    w("")
    w(f"For the {big_mib} MiB rows the req/s columns hold the transfer time of the single curl request "
      "(and that per MiB), and the CPU columns are milliseconds per MiB. Resolution: one clock tick per "
      "cell, i.e. "
      f"{10 / float(big_mib):.3f} ms/MiB there.")
    w("")
    mem = [c for c in cells if c.server in S3_SERVERS and c.workload in ("putbig", "getbig")]
    if mem:
        w(f"Memory during the {big_mib} MiB transfers, of the JVM that answers the client (service: Tomcat, "
          "`-Xmx` as in the list above; direct: S3Proxy). RSS = `rss_sampler.py` (VmRSS every 20 ms), growth "
          "above the value just before the transfer; heap = `jstat -gc` every 100 ms, used = S0U+S1U+EU+OU "
          "(garbage included until a collection), GCs and GC time counted over the transfer.")
        w("")
        w("| Transfer | Round | JVM | RSS growth (start) | heap used: max (at start) | young GCs | GC time |")
        w("|---|---|---|---:|---:|---:|---:|")
        for c in mem:
            jvm = "Tomcat (service)" if c.server == "s3svc" else "S3Proxy (direct)"
            rss = (f"+{c.rss_growth_kib / 1024:.1f} MiB ({c.rss_start_kib / 1024:.0f} MiB)"
                   if c.rss_growth_kib is not None else "")
            if c.heap:
                heap = f"{c.heap[0] / 1024:.0f} MiB ({c.heap[3] / 1024:.0f} MiB)"
                ygc, gcms = str(c.heap[1]), f"{c.heap[2]} ms"
            else:
                heap = ygc = gcms = "n/a"
            w(f"| {WORKLOADS[c.workload][0]} | {c.round} | {jvm} | {rss} | {heap} | {ygc} | {gcms} |")
        w("")
    w("Every S3 cell:")
    w("")
    w("| Workload | Round | Server | requests | seconds | req/s | user µs/req | sys µs/req | total µs/req | S3Proxy µs/req | p50 / p99 latency | statuses |")
    w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for wl, (label, *_) in WORKLOADS.items():
        for c in (c for c in cells if c.workload == wl and c.server in S3_SERVERS):
            lat = f"{int(c.p50_us) / 1000:.2f} / {int(c.p99_us) / 1000:.2f} ms" if c.p50_us != "-" else ""
            store = fmt(c.store_us) if c.store_us is not None else ""
            w(f"| {label} | {c.round} | {SERVER_LABEL[c.server]} | {c.requests} | {c.duration_s:.2f} | "
              f"{fmt(c.req_per_s)} | {fmt(c.user_us)} | {fmt(c.sys_us)} | {fmt(c.total_us)} | {store} | "
              f"{lat} | {c.status_text()} |")
    w("")


def ratio_to(c, ref):
    return f"{c.total_us / ref.total_us:.2f}×" if ref is not None and ref.total_us > 0 else "n/a"


# Summary columns: (server, heading). "fsync" has no column: it is a row of its own under PUT 1 MiB.
SUMMARY_COLUMNS = [("nginx", "nginx"), ("default", "DefaultServlet"), ("ours", "ours (Tomcat)"),
                   ("base", "ours, earlier build (Tomcat)"),
                   ("jetty", "ours on Jetty"), ("floor", "empty servlet (Tomcat floor)")]


def summary_section(w, by_key, best, big_mib):
    """One line per row, one column per server: the reported round's total CPU, its ratios, every round."""
    # the fsync row's figure goes in the "ours (Tomcat)" column, so that column is there whenever fsync is
    present = [(s, h) for s, h in SUMMARY_COLUMNS
               if any(k[1] == s or (s == "ours" and k[1] == "fsync") for k in best)]
    if not present:
        return
    w("## Summary: total server CPU per request, servers side by side")
    w("")
    w("Each cell: total CPU of the reported round (µs per request; the two large transfers: ms of CPU "
      "for the one transfer), its ratio to nginx and, for GET rows, to DefaultServlet (`DS`), both from "
      "the same run; then every round's figure in run order (the spread). `—`: not measured (the "
      "floor has only GET 4 KiB; fsync on has only PUT 1 MiB, as a row of its own, also compared "
      "with fsync off).")
    w("")
    w("| Row | " + " | ".join(h for _, h in present) + " |")
    w("|---|" + "---:|" * len(present))

    def cell_text(wl, server, extra=()):
        c = best.get((wl, server))
        if c is None:
            return "—"
        big = wl.endswith("big")
        value = (lambda x: f"{x.total_us / 1000:.0f} ms") if big else (lambda x: fmt(x.total_us))
        parts = [f"**{value(c)}**"]
        if server != "nginx" and (wl, "nginx") in best:   # a SERVERS subset may lack nginx or DefaultServlet
            parts.append(f"{ratio_to(c, best[(wl, 'nginx')])} nginx")
        if (wl.startswith("get") or wl == "range") and server not in ("nginx", "default") and (wl, "default") in best:
            parts.append(f"{ratio_to(c, best[(wl, 'default')])} DS")
        if server == "ours" and (wl, "base") in best:
            parts.append(f"{ratio_to(c, best[(wl, 'base')])} earlier build")
        parts.extend(extra)
        rounds = by_key[(wl, server)]
        if len(rounds) > 1:
            parts.append("rounds " + " / ".join(value(x) for x in rounds))
        return " · ".join(parts)

    for wl, (label, *_) in WORKLOADS.items():
        if not any((wl, s) in best for s, _ in present):
            continue
        w(f"| {label} | " + " | ".join(cell_text(wl, s) for s, _ in present) + " |")
        if wl == "put1m" and (wl, "fsync") in best:
            fsync_off = best.get((wl, "ours"))
            extra = [f"{ratio_to(best[(wl, 'fsync')], fsync_off)} fsync off"] if fsync_off else []
            cells = [cell_text(wl, "fsync", extra) if s == "ours" else "—" for s, _ in present]
            w(f"| {label}, **fsync on** (`/upload-fsync`, same Tomcat) | " + " | ".join(cells) + " |")
    w("")


def main():
    cells_file, meta_file, notes_file, clk_tck, big_mib = sys.argv[1:6]
    for key in ("putbig", "getbig"):
        label, *rest = WORKLOADS[key]
        WORKLOADS[key] = (label.format(big=big_mib), *rest)
    tick_us = 1e6 / int(clk_tck)
    with open(cells_file, newline="") as f:
        cells = [Cell(row, tick_us) for row in csv.DictReader(f, delimiter="\t")]
    with open(meta_file) as f:
        meta = [line.rstrip("\n").split("\t", 1) for line in f if "\t" in line]
    with open(notes_file) as f:
        notes = [line.rstrip("\n") for line in f if line.strip()]

    by_key = {}
    for c in cells:
        by_key.setdefault((c.workload, c.server), []).append(c)
    best = {k: sorted(v, key=lambda c: c.total_us)[(len(v) - 1) // 2] for k, v in by_key.items()}

    out = []
    w = out.append
    meta_dict = dict(meta)
    w(f"# Benchmark: http-upload-servlet vs nginx vs Tomcat DefaultServlet (and on Jetty) — {meta_dict.get('date', '')}")
    w("")
    for key, value in meta:
        w(f"- **{key}**: {value}")
    w("")
    summary_section(w, by_key, best, big_mib)
    w("## Results (per cell the median round by total server CPU per request; of 2 rounds the better one)")
    w("")
    w("CPU = the server process's utime/stime from `/proc/<pid>/stat` (nginx: master + workers; "
      "Tomcat: the one JVM, which serves DefaultServlet, the floor and both contexts of our WAR; "
      "Jetty: its own JVM) after minus before the workload, divided by the requests that completed. "
      f"Resolution: one clock tick = {tick_us / 1000:.0f} ms per workload. "
      "`× nginx` and `× DefaultServlet` = total CPU per request divided by that server's. MiB/s counts response bytes "
      "(headers included) for GET rows and request bodies for PUT rows. "
      "`rounds` lists total CPU µs/req of every round in run order.")
    w("")
    w("| Workload | Server | req/s | MiB/s | user µs/req | sys µs/req | total µs/req | × nginx | × DefaultServlet | rounds (total µs/req) | statuses seen | RSS growth |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for wl, (label, *_) in WORKLOADS.items():
        ref = best.get((wl, "nginx"))
        for server in SERVERS:
            c = best.get((wl, server))
            if c is None:
                continue
            ratio = ratio_to(c, ref)
            ratio_ds = ratio_to(c, best.get((wl, "default"))) if server not in ("nginx", "default") else ""
            rounds = " / ".join(fmt(x.total_us) for x in by_key[(wl, server)])
            rss = (f"+{c.rss_growth_kib / 1024:.1f} MiB over {c.rss_start_kib / 1024:.0f} MiB"
                   if c.rss_growth_kib is not None else "")
            rps = fmt(c.req_per_s) if not wl.endswith("big") else f"{c.duration_s:.2f} s"
            w(f"| {label} | {SERVER_LABEL[server]} | {rps} | {fmt(c.mib_per_s)} | {fmt(c.user_us)} | "
              f"{fmt(c.sys_us)} | {fmt(c.total_us)} | {ratio} | {ratio_ds} | {rounds} | {c.status_text()} | {rss} |")
    w("")
    w(f"For the {big_mib} MiB rows the req/s column holds the transfer time of the single request; "
      "RSS growth = highest summed VmRSS during the upload minus the value just before it (given after 'over'). "
      "Tomcat's heap (-Xms) is largely resident by then, so a body buffered on the heap would show "
      "as heap pressure (GC time in `user`, or a 500 from OutOfMemoryError) more than as RSS growth "
      "(the same holds for Jetty's JVM, with the same flags).")
    w("")

    s3_section(w, cells, by_key, best, big_mib)

    wrong = [c for c in cells if c.unexpected()]
    w("## Observations")
    w("")
    if wrong:
        w("Cells whose answers were not the expected status (GET 200, Range 206, PUT 201), whose "
          "average response size does not match the body asked for, or that had socket errors — "
          "their figures measure something other than the workload's name:")
        w("")
        seen = set()
        for c in wrong:
            key = (c.workload, c.server)
            if key in seen:
                continue
            seen.add(key)
            w(f"- {WORKLOADS[c.workload][0]} / {SERVER_LABEL[c.server]}: {c.status_text()}")
        w("")
    else:
        w("Every cell got the expected status codes and no socket errors.")
        w("")
    wrk_cells = [c for c in cells if c.closed is not None]
    reconnected = [c for c in wrk_cells if c.reconnected()]
    if reconnected:
        w(f"Cells in which more connections were closed than the {CONNECTIONS + 1} wrk opens (closed and reopened "
          "during the cell, so connection set-up is part of their figures):")
        w("")
        for c in reconnected:
            w(f"- {WORKLOADS[c.workload][0]} / {SERVER_LABEL[c.server]} / {c.round}: {c.closed} connections closed")
        w("")
    elif wrk_cells:
        w(f"Keep-alive: no wrk cell closed more than the {CONNECTIONS + 1} connections wrk opens (its {CONNECTIONS} "
          f"and one test connection at start-up; at most "
          f"{max(c.closed for c in wrk_cells)}; TIME-WAIT sockets of the server's port new after the cell), "
          "so no server closed and no client reopened a connection during a cell.")
        w("")
    for line in notes:
        w(f"- {line}")
    w("")

    w("## Every cell")
    w("")
    w("`× nginx (round)` compares with nginx in the same round of the same workload.")
    w("")
    w("| Workload | Round | Server | requests | seconds | req/s | user µs/req | sys µs/req | total µs/req | × nginx (round) | p50 / p99 latency | statuses | conns closed |")
    w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for wl, (label, *_) in WORKLOADS.items():
        rows = [c for c in cells if c.workload == wl and c.server in SERVERS]
        for c in rows:
            ref = next((x for x in rows if x.round == c.round and x.server == "nginx"), None)
            ratio = f"{c.total_us / ref.total_us:.2f}×" if ref and ref.total_us > 0 else "n/a"
            lat = f"{int(c.p50_us) / 1000:.2f} / {int(c.p99_us) / 1000:.2f} ms" if c.p50_us != "-" else ""
            closed = str(c.closed) if c.closed is not None else ""
            w(f"| {label} | {c.round} | {SERVER_LABEL[c.server]} | {c.requests} | {c.duration_s:.2f} | "
              f"{fmt(c.req_per_s)} | {fmt(c.user_us)} | {fmt(c.sys_us)} | {fmt(c.total_us)} | {ratio} | "
              f"{lat} | {c.status_text()} | {closed} |")
    w("")
    w(f"`conns closed`: connections of the server's port closed during the cell (new TIME-WAIT sockets, "
      f"either end): wrk's test connection at start-up and its {CONNECTIONS} at exit included, so up to "
      f"{CONNECTIONS + 1} without any reconnect (fewer when some end with a reset).")
    w("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
