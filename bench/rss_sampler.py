#!/usr/bin/python3
"""Samples the summed resident memory (VmRSS) of some processes until told to stop.

  rss_sampler.py OUTFILE PID...

Writes "start_kib=<first sample>" to OUTFILE as soon as the first sample is taken (run.sh waits
for that line before it starts the upload, so the baseline is from before the transfer), then
samples every 20 ms. On SIGTERM it appends "max_kib=<largest sum seen> samples=<n>" and exits.
Used for the 256 MiB PUT: a server that buffers the body in memory shows up as growth.
"""
import signal
import sys
import time

INTERVAL = 0.02


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except FileNotFoundError:
            pass  # an nginx worker that went away: counts as 0
    return total


def main():
    out, pids = sys.argv[1], sys.argv[2:]
    first = rss_kib(pids)
    peak = first
    samples = 1
    stop = False

    def on_term(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    with open(out, "w") as f:
        f.write(f"start_kib={first}\n")
        f.flush()
        while not stop:
            time.sleep(INTERVAL)
            peak = max(peak, rss_kib(pids))
            samples += 1
        peak = max(peak, rss_kib(pids))
        f.write(f"max_kib={peak} samples={samples}\n")


if __name__ == "__main__":
    main()
