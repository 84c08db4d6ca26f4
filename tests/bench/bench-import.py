#!/usr/bin/env python3
"""Properties import benchmark, side by side in one run.

Writes a deterministic 1,000,000-row properties CSV into a temporary
folder, then times, in alternating order:

  - the sqlite3 command-line shell's `.import --csv` of that file into an
    equivalent table (ext_id TEXT PRIMARY KEY and the other columns, the
    same journal and sync settings as StormOps), and
  - `stormops import-properties FILE --storm BENCH` into a fresh database
    (which also validates every field and attaches each property to the
    storm).

Prints both times and the ratio StormOps / sqlite3 (target <= 1.0x).

Usage: bench-import.py STORMOPS [SQLITE3] [--rows N] [--runs N]
"""
import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGET = 1.0
SKIP = 77  # meson: skipped

STREETS = ["Mockingbird Ln", "Preston Rd", "Greenville Ave", "Belt Line Rd", "Camp Bowie Blvd",
           "Forest Ln", "Royal Ln", "Walnut Hill Ln", "Abrams Rd", "Skillman St", "Hillcrest Rd",
           "Cedar Springs Rd", "Lovers Ln", "Inwood Rd", "Swiss Ave", "Magnolia Ave", "Berry St",
           "Hulen St", "Park Blvd", "Legacy Dr", "Custer Rd", "Coit Rd", "Spring Creek Pkwy"]
TOWNS = [("Dallas", "752", 32.78, -96.80), ("Fort Worth", "761", 32.75, -97.33),
         ("Arlington", "760", 32.73, -97.11), ("Plano", "750", 33.02, -96.70),
         ("Irving", "750", 32.81, -96.95), ("Garland", "750", 32.91, -96.64),
         ("Denton", "762", 33.21, -97.13), ("Mesquite", "751", 32.77, -96.60)]

SQLITE_SCHEMA = """PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -65536;
CREATE TABLE properties (
  ext_id     TEXT PRIMARY KEY,
  address    TEXT,
  city       TEXT,
  state      TEXT,
  zip        TEXT,
  lat        REAL,
  lon        REAL,
  year_built INTEGER,
  roof_age   INTEGER,
  value      REAL
);
"""


def write_csv(path, rows):
    rng = random.Random(2024)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,address,city,state,zip,lat,lon,year_built,roof_age,value\n")
        lines = []
        for i in range(1, rows + 1):
            town, prefix, lat, lon = TOWNS[rng.randrange(len(TOWNS))]
            address = f"{rng.randrange(100, 9999)} {STREETS[rng.randrange(len(STREETS))]}"
            if rng.random() < 0.05:
                # a quoted field with a comma, as exports of apartments have
                address = f'"{address}, Apt {rng.randrange(1, 40)}"'
            year = rng.randrange(1955, 2023)
            lines.append(f"prop_{i:07d},{address},{town},TX,{prefix}{rng.randrange(0, 100):02d},"
                         f"{lat + rng.uniform(-0.12, 0.12):.6f},{lon + rng.uniform(-0.12, 0.12):.6f},"
                         f"{year},{rng.randrange(1, min(30, 2025 - year) + 1)},{rng.randrange(90, 900) * 1000}\n")
            if len(lines) == 50000:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)


def remove_db(path):
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def count_rows(sqlite3, db):
    out = subprocess.run([sqlite3, db, "SELECT count(*) FROM properties"],
                         check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def time_sqlite(sqlite3, db, csv):
    remove_db(db)
    script = SQLITE_SCHEMA + f".import --csv --skip 1 '{csv}' properties\n"
    start = time.perf_counter()
    subprocess.run([sqlite3, db], input=script, check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def time_stormops(stormops, db, csv):
    remove_db(db)
    start = time.perf_counter()
    result = subprocess.run([stormops, "import-properties", csv, "--storm", "BENCH", "--db", db],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"stormops import-properties failed ({result.returncode}):\n{result.stderr}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stormops")
    parser.add_argument("sqlite3", nargs="?", default="")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    sqlite3 = args.sqlite3 or shutil.which("sqlite3")
    if not sqlite3:
        print("bench-import: the sqlite3 shell is not installed (Debian package sqlite3); skipped")
        return SKIP

    folder = tempfile.mkdtemp(prefix="stormops-bench-import-")
    try:
        csv = os.path.join(folder, "properties.csv")
        start = time.perf_counter()
        write_csv(csv, args.rows)
        size_mb = os.path.getsize(csv) / 1e6
        print(f"Generated {args.rows:,} rows ({size_mb:.1f} MB) in {time.perf_counter() - start:.1f} s: {csv}")

        sqlite_db = os.path.join(folder, "sqlite3.db")
        stormops_db = os.path.join(folder, "stormops.db")
        sqlite_times, stormops_times = [], []
        for run in range(args.runs):
            # alternate who goes first, so neither always meets a warm cache
            if run % 2 == 0:
                sqlite_times.append(time_sqlite(sqlite3, sqlite_db, csv))
                stormops_times.append(time_stormops(args.stormops, stormops_db, csv))
            else:
                stormops_times.append(time_stormops(args.stormops, stormops_db, csv))
                sqlite_times.append(time_sqlite(sqlite3, sqlite_db, csv))

        for name, db in (("sqlite3", sqlite_db), ("stormops", stormops_db)):
            n = count_rows(sqlite3, db)
            if n != args.rows:
                sys.exit(f"bench-import: {name} wrote {n} rows, expected {args.rows}")

        sqlite_median = statistics.median(sqlite_times)
        stormops_median = statistics.median(stormops_times)
        ratio = stormops_median / sqlite_median
        runs = "".join(f"   run {i + 1}" for i in range(args.runs))
        print()
        print(f"Import of a {args.rows:,}-row properties CSV ({size_mb:.1f} MB), wall time in seconds")
        print(f"{'':34}{runs}   median")
        for label, times, median in (("sqlite3 .import (same primary key)", sqlite_times, sqlite_median),
                                     ("stormops import-properties", stormops_times, stormops_median)):
            cells = "".join(f"{t:8.2f}" for t in times)
            print(f"{label:34}{cells} {median:8.2f}")
        verdict = "within target" if ratio <= TARGET else "OVER TARGET"
        print(f"ratio stormops / sqlite3: {ratio:.2f}x (target <= {TARGET:.1f}x: {verdict})")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
