#!/usr/bin/python3
"""Summarise a JFR recording's CPU samples: bench/jfr_top.py FILE.jfr [N]

Reads `jfr print --json --stack-depth 64 --events jdk.ExecutionSample,jdk.ThreadCPULoad` and prints
  - samples per thread (thread names with digits folded, e.g. http-nio-N-exec-N),
  - the top N methods by self samples (top frame), and by inclusive samples (anywhere in the stack),
  - self samples grouped by package of the top frame, and the top N "first io.github.httpupload
    frame" of each sample (which of our methods the time is spent under),
  - jdk.ThreadCPULoad (user/system share of one CPU per thread, averaged over its events).
jdk.ExecutionSample only samples threads running Java code: time in native code and in the kernel
(socket and file syscalls), GC and JIT threads are not in it (see ThreadCPULoad and strace).
Standard library only."""
import collections, json, re, subprocess, sys

path = sys.argv[1]
top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 12
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                      "jdk.ExecutionSample,jdk.ThreadCPULoad", path],
                     check=True, capture_output=True, text=True).stdout
events = json.loads(out)["recording"]["events"]

def fold(name):
    return re.sub(r"\d+", "N", name or "?")

def frame_name(f):
    m = f["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]

self_c, incl_c, pkg_c, ours_c, thread_c = (collections.Counter() for _ in range(5))
cpu = collections.defaultdict(lambda: [0.0, 0.0, 0])
samples = 0
for e in events:
    v = e["values"]
    if e["type"] == "jdk.ThreadCPULoad":
        t = v.get("eventThread") or {}
        c = cpu[fold(t.get("javaName") or t.get("osName"))]
        c[0] += v["user"]; c[1] += v["system"]; c[2] += 1
        continue
    st = v.get("stackTrace")
    if not st or not st["frames"]:
        continue
    samples += 1
    frames = [frame_name(f) for f in st["frames"]]
    t = v["sampledThread"]
    thread_c[fold(t.get("javaName") or t.get("osName"))] += 1
    self_c[frames[0]] += 1
    pkg_c[frames[0].rsplit(".", 2)[0]] += 1
    for f in set(frames):
        incl_c[f] += 1
    ours = next((f for f in frames if f.startswith("io.github.httpupload.")), None)
    ours_c[ours or "(no io.github.httpupload frame in the 64 sampled)"] += 1

def table(title, counter, n=top_n):
    print(f"\n{title}")
    for name, c in counter.most_common(n):
        print(f"  {c:6d}  {100.0 * c / max(samples, 1):5.1f}%  {name}")

print(f"{path}: {samples} jdk.ExecutionSample events (Java code only; 64 frames per stack)")
table("samples per thread", thread_c, 8)
table(f"top {top_n} methods by self samples (top frame)", self_c)
table(f"top {top_n} methods by inclusive samples (anywhere in the stack)", incl_c)
table(f"self samples by package of the top frame", pkg_c)
table(f"innermost io.github.httpupload frame of each sample", ours_c)
print("\njdk.ThreadCPULoad: mean share of one CPU per thread (user / system), busiest first")
for name, (u, s, n) in sorted(cpu.items(), key=lambda kv: -(kv[1][0] + kv[1][1]) / kv[1][2])[:12]:
    print(f"  user {100 * u / n:5.1f}%  system {100 * s / n:5.1f}%  ({n} events)  {name}")
