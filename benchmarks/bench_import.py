"""Import of a large export (issue 14): throughput and the longest hold of SQLite's write lock.

Writes a CSV of N rows, imports it through ``import_file`` (validation, staging, moving with the
real deadline clocks and audit events) into a temporary SQLite database, and prints ``name: value``
lines (``--json``: one JSON object). Meanwhile another "workstation" performs a write every 50 ms;
``other_writer_max_wait_s`` is its longest wait for the lock. Target: every transaction of the
import, and every wait of the other writer, under 1 s. ``--quick``: 2,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

from desktop_app.models.database import Database, open_database  # noqa: E402
from desktop_app.models.entities import AppSetting  # noqa: E402
from desktop_app.services.bootstrap import build_services  # noqa: E402
from desktop_app.services.importing import import_file  # noqa: E402
from desktop_app.settings import Settings  # noqa: E402


def _write(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["ID", "Площадка", "Автор", "Текст", "Дата поступления"])
        for n in range(rows):
            writer.writerow(
                [
                    f"INC-{n}",
                    "vk",
                    f"Автор {n}",
                    f"Когда починят фонарь № {n} на улице Мира?",
                    "12.05.2026 09:45",
                ]
            )


def run(rows: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="otklik-bench-import-"))
    source = folder / "export.csv"
    _write(source, rows)
    url = f"sqlite:///{folder / 'otklik.sqlite3'}"
    db = open_database(url)
    services = build_services(Settings(), db)  # the lifecycle the import is given
    durations: list[float] = []
    started: dict[int, float] = {}
    event.listen(db.engine, "begin", lambda conn: started.__setitem__(id(conn), time.perf_counter()))
    event.listen(
        db.engine,
        "commit",
        lambda conn: durations.append(time.perf_counter() - started.pop(id(conn), time.perf_counter())),
    )
    other = Database(url)
    stop = threading.Event()
    waits: list[float] = []

    def other_workstation() -> None:
        while not stop.is_set():
            began = time.perf_counter()
            with other.session() as session, session.begin():
                session.merge(AppSetting(key="bench_other_writer", value={"at": began}))
            waits.append(time.perf_counter() - began)
            time.sleep(0.05)

    thread = threading.Thread(target=other_workstation, daemon=True)
    thread.start()
    began = time.perf_counter()
    result = import_file(db, source, "Europe/Moscow", lifecycle=services.lifecycle)
    elapsed = time.perf_counter() - began
    stop.set()
    thread.join()
    with db.session() as session:
        stored = session.scalar(sa.text("SELECT count(*) FROM messages"))
    db.dispose()
    other.dispose()
    assert result.imported == rows == stored, (result, stored)
    return {
        "import_rows": rows,
        "import_seconds": round(elapsed, 2),
        "import_rows_per_s": round(rows / elapsed),
        "import_max_transaction_s": round(max(durations), 3),
        "other_writer_max_wait_s": round(max(waits), 3),
        "other_writer_writes": len(waits),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(2_000 if args.quick else args.rows)
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")


if __name__ == "__main__":
    main()
