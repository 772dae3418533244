"""Start-up time and size of the packaged bundle (dist/otklik/, built by installer/build.sh).

Figures:
- bundle_size_mb: the unpacked one-folder bundle; deb_size_mb when dist/otklik_*.deb exists;
- cold_smoke_s: wall time of ``otklik --smoke-test`` (offscreen) to ``SMOKE OK`` right after the page cache is
  dropped (root only; otherwise the first run, reported as cold_dropped_cache: no);
- smoke_s_median: the same, warm, median of --runs;
- smoke_in_process_s: the app's own smoke time from its log (window built on a freshly seeded demo database);
- cli_start_s_median: ``otklik worktime add 1h 2026-05-12T17:30`` — bootloader, Python and the calendar, no Qt.

Prints ``name: value`` lines, or one JSON object with --json. Skips (exit 0, ``SKIPPED: ...``) when no bundle
has been built. Needs no network.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMOKE_LOG = re.compile(r"smoke test passed in ([0-9.]+) s")


def dir_size_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return round(total / 1e6, 1)


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def run(cmd: list[str], home: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
    )
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, check=False)
    return time.perf_counter() - started, result


def smoke_in_process(home: Path) -> float | None:
    for log in sorted(home.rglob("otklik.log*")):
        found = SMOKE_LOG.findall(log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return float(found[-1])
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start-up time and size of the packaged bundle.")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "otklik", help="one-folder bundle")
    parser.add_argument("--runs", type=int, default=3, help="warm runs (median)")
    parser.add_argument("--quick", action="store_true", help="one warm run, no cache dropping (CI)")
    options = parser.parse_args(argv)
    if options.quick:
        options.runs = 1

    exe = options.bundle / ("otklik.exe" if sys.platform == "win32" else "otklik")
    if not exe.is_file():
        print(f"SKIPPED: no bundle at {options.bundle} (build it with installer/build.sh)")
        return 0

    figures: dict[str, object] = {"bundle_size_mb": dir_size_mb(options.bundle)}
    debs = sorted((options.bundle.parent).glob("otklik_*.deb"))
    if debs:
        figures["deb_size_mb"] = round(debs[-1].stat().st_size / 1e6, 1)

    smoke = [str(exe), "--smoke-test"]
    with tempfile.TemporaryDirectory(prefix="otklik-bench-") as tmp:
        home = Path(tmp)
        dropped = False if options.quick else drop_caches()
        cold, result = run(smoke, home / "cold")
        if result.returncode != 0 or "SMOKE OK" not in result.stdout:
            print(
                f"FAILED: smoke test exit {result.returncode}: {result.stderr.strip()[-500:]}",
                file=sys.stderr,
            )
            return 1
        figures["cold_smoke_s"] = round(cold, 2)
        figures["cold_dropped_cache"] = "yes" if dropped else "no"
        warm, in_process = [], []
        for index in range(options.runs):
            elapsed, result = run(smoke, home / f"warm{index}")
            warm.append(elapsed)
            measured = smoke_in_process(home / f"warm{index}")
            if measured is not None:
                in_process.append(measured)
        figures["smoke_s_median"] = round(statistics.median(warm), 2)
        if in_process:
            figures["smoke_in_process_s"] = round(statistics.median(in_process), 2)
        cli = [
            run([str(exe), "worktime", "add", "1h", "2026-05-12T17:30"], home / "cli")[0]
            for _ in range(options.runs)
        ]
        figures["cli_start_s_median"] = round(statistics.median(cli), 2)

    if options.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
