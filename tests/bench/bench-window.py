#!/usr/bin/env python3
"""Window start-up benchmark: a 1,000,000-property storm against an empty
database.

Makes the demo storm with 1,000,000 properties (`stormops demo
--properties 1000000`) in a temporary database, then starts the window on
it and on an empty database, alternately, one untimed warm-up and N timed
runs each. Every run is `stormops --db DB --quit-after-first-frame` with
STORMOPS_FIRST_FRAME=1: the app prints "first-frame-ms: N" (from the start
of main() to its first painted frame) and "rss-kb: N" (resident memory
then), and quits. A benchmark run never loads the demo into the empty
database. Prints medians and the ratios (targets: time <= 1.2x, memory
<= 1.3x).

Without a display it runs itself again under xvfb-run (and a private
D-Bus session when dbus-run-session is there).

Usage: bench-window.py STORMOPS [--properties N] [--runs N] [--screenshots DIR]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TIME_TARGET = 1.2
MEMORY_TARGET = 1.3
SKIP = 77  # meson: skipped
RERUN_MARK = "STORMOPS_BENCH_UNDER_XVFB"


def ensure_display():
    """Returns None to go on here, or an exit status after running again
    under Xvfb."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if os.environ.get(RERUN_MARK):
        print("bench-window: xvfb-run gave no display; skipped")
        return SKIP
    xvfb = shutil.which("xvfb-run")
    if not xvfb:
        print("bench-window: no display and no xvfb-run (Debian package xvfb); skipped")
        return SKIP
    command = [xvfb, "-a"]
    dbus = shutil.which("dbus-run-session")
    if dbus and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        command += [dbus, "--"]
    command += [sys.executable] + sys.argv
    env = dict(os.environ, GDK_BACKEND="x11")
    env[RERUN_MARK] = "1"
    return subprocess.run(command, env=env).returncode


def open_window(stormops, db, extra=()):
    env = dict(os.environ, STORMOPS_FIRST_FRAME="1")
    # the benchmark must not touch the user's settings
    env.setdefault("GSETTINGS_BACKEND", "memory")
    result = subprocess.run([stormops, "--db", db, *extra], env=env,
                            capture_output=True, text=True, timeout=300)
    frame = re.search(r"^first-frame-ms: (\d+)$", result.stdout, re.MULTILINE)
    rss = re.search(r"^rss-kb: (\d+)$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or not frame or not rss:
        sys.exit(f"bench-window: stormops --db {db} failed ({result.returncode}):\n"
                 f"{result.stdout}\n{result.stderr}")
    return int(frame.group(1)), int(rss.group(1))


def measure(stormops, db):
    return open_window(stormops, db, ["--quit-after-first-frame"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stormops")
    parser.add_argument("--properties", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshots", metavar="DIR",
                        help="also write empty.png and full.png of each window here")
    args = parser.parse_args()

    status = ensure_display()
    if status is not None:
        return status

    folder = tempfile.mkdtemp(prefix="stormops-bench-window-")
    try:
        full = os.path.join(folder, "full.db")
        empty = os.path.join(folder, "empty.db")
        start = time.perf_counter()
        subprocess.run([args.stormops, "demo", "--properties", str(args.properties), "--db", full],
                       check=True, capture_output=True, text=True)
        print(f"stormops demo --properties {args.properties}: {time.perf_counter() - start:.1f} s "
              f"({os.path.getsize(full) / 1e6:.0f} MB)")

        # warm-up: caches, fonts, and the empty database's schema
        measure(args.stormops, empty)
        measure(args.stormops, full)
        results = {empty: [], full: []}
        for run in range(args.runs):
            order = (empty, full) if run % 2 == 0 else (full, empty)
            for db in order:
                results[db].append(measure(args.stormops, db))

        if args.screenshots:
            os.makedirs(args.screenshots, exist_ok=True)
            for name, db in (("empty", empty), ("full", full)):
                path = os.path.abspath(os.path.join(args.screenshots, name + ".png"))
                open_window(args.stormops, db, ["--screenshot", path])
                print(f"screenshot: {path}")

        def medians(db):
            return (statistics.median(r[0] for r in results[db]),
                    statistics.median(r[1] for r in results[db]))

        empty_ms, empty_kb = medians(empty)
        full_ms, full_kb = medians(full)
        time_ratio = full_ms / empty_ms
        memory_ratio = full_kb / empty_kb
        runs = "".join(f"  run {i + 1}" for i in range(args.runs))
        print()
        print(f"Opening the window: empty database vs a {args.properties:,}-property storm")
        print(f"{'':30}{runs}   median")
        rows = (("first frame, empty (ms)", [r[0] for r in results[empty]], empty_ms),
                (f"first frame, {args.properties:,} (ms)", [r[0] for r in results[full]], full_ms),
                ("RSS, empty (MB)", [r[1] / 1024 for r in results[empty]], empty_kb / 1024),
                (f"RSS, {args.properties:,} (MB)", [r[1] / 1024 for r in results[full]], full_kb / 1024))
        for label, values, median in rows:
            cells = "".join(f"{v:7.0f}" for v in values)
            print(f"{label:30}{cells} {median:8.0f}")
        for what, ratio, target in (("time", time_ratio, TIME_TARGET), ("memory", memory_ratio, MEMORY_TARGET)):
            verdict = "within target" if ratio <= target else "OVER TARGET"
            print(f"{what} ratio full / empty: {ratio:.2f}x (target <= {target:.1f}x: {verdict})")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
