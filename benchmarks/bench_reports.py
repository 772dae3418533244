"""Supervisor's dashboard and exports on real volume (issue 19).

    .venv/bin/python benchmarks/bench_reports.py [--messages 100000] [--quick] [--json]
    OTKLIK_BENCH_POSTGRES_URL=postgresql+psycopg://… .venv/bin/python benchmarks/bench_reports.py

Builds a database of messages with full stage histories (route, redirect, draft, review, rework
rounds, interim answers and the 7-day clock, the 8-hour clock; some still open and overdue) by bulk
inserts of the rows the services write, with due instants from the real working-time engine. The
SQLite file is cached in the temp dir by size and seed. Then times the real path, database →
services → file: the dashboard of the whole year (every message in the period) and of one month
beside the previous one, a drill-down, and the XLSX (every message, no cap), CSV and PDF exports of
the computed dashboard (as the dashboard's buttons do; the CLI adds one dashboard computation).
Targets: ≤ 2 s each on SQLite at 100,000 messages; ≤ 5 s on PostgreSQL at 1,000,000 (run only when
``OTKLIK_BENCH_POSTGRES_URL`` names a server; the database there is rebuilt unless it has the size).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import glob
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from desktop_app.domain.addresses import address_key
from desktop_app.domain.lifecycle import Role
from desktop_app.domain.worktime.deadlines import DEFAULT_BUDGETS, STAGE_HOLDERS, Holder, Outcome, Stage
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.models.database import Database, open_database
from desktop_app.services.actor import Actor
from desktop_app.services.bootstrap import build_services
from desktop_app.services.dashboard import ReportPeriod
from desktop_app.services.report_export import write_csv, write_xlsx
from desktop_app.settings import Settings

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
TARGET_SQLITE_S = 2.0
TARGET_POSTGRES_S = 5.0
SEED = 19
YEAR = 2026
NOW = dt.datetime(YEAR + 1, 1, 11, 12, 0, tzinfo=MSK)  # a Monday after the data
PLATFORMS = (("vk", "social_network", 40), ("ok", "social_network", 20), ("telegram", "messenger", 20),
             ("max", "messenger", 8), ("youtube", "video_hosting", 5), ("rutube", "video_hosting", 4),
             ("vk_video", "video_hosting", 3))  # fmt: skip
STREETS = ("Мира", "Ленина", "Советская", "Коммунаров", "Пушкина", "Радиотехническая", "Костенко",
           "Орджоникидзе", "Бунина", "Профинтерна", "Маяковского", "Черокманова")  # fmt: skip
TOPICS = ("яма на дороге", "нет отопления", "не вывозят мусор", "не горят фонари", "протекает крыша",
          "не ходит автобус", "не убран снег", "сломана детская площадка")  # fmt: skip
DEPARTMENTS = 12
FMT = "%Y-%m-%d %H:%M:%S.%f"


# -- building --------------------------------------------------------------------------------------


def _utc_text(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime(FMT)


class HistoryBuilder:
    """Generates messages and their stage records the way the services write them."""

    def __init__(self, calendar: WorkCalendar, seed: int) -> None:
        self.cal = calendar
        self.rng = random.Random(seed)
        self.adders = {stage: calendar.adder(budget) for stage, budget in DEFAULT_BUDGETS.items()}
        self.platforms = [p for p, _c, w in PLATFORMS for _ in range(w)]
        self.channels = {p: c for p, c, _w in PLATFORMS}

    def work(self, t: int, minutes: float) -> int:
        return self.cal.add_seconds_epoch(t, int(minutes * 60))

    def histories(
        self, count: int, operators: list[int], executors: dict[int, list[int]]
    ) -> Iterator[tuple[tuple, list[tuple]]]:
        rng = self.rng
        start = int(dt.datetime(YEAR, 1, 12, tzinfo=MSK).timestamp())
        end = int(dt.datetime(YEAR, 12, 30, tzinfo=MSK).timestamp())
        step = (end - start) / count
        for n in range(count):
            arrived = int(start + n * step + rng.random() * step)
            platform = rng.choice(self.platforms)
            author = rng.randrange(count // 3 + 1)
            street = rng.choice(STREETS)
            text = f"Здравствуйте! {rng.choice(TOPICS).capitalize()} на улице {street}, дом {rng.randrange(1, 60)}."
            open_tail = n >= count - max(count // 60, 5)  # the newest messages are still being worked
            stages, state, department, executor = self.history(arrived, operators, executors, open_tail)
            message = (
                n + 1,
                f"INC-{n + 1:07d}",
                self.channels[platform],
                platform,
                f"Автор {author}",
                f"https://{platform}.example/id{author}",
                f"https://{platform}.example/post{n + 1}",
                text,
                _utc_text(arrived - 600),
                _utc_text(arrived),
                state,
                department,
                executor,
                address_key(text),  # as the model stores it with the text
            )
            yield message, stages

    def stage(self, stage: Stage, start: int, done: int | None, by: int | None, user: int | None,
              dep: int | None, *, holder: Holder | None = None, operator: int | None = None,
              transferred: bool = False) -> tuple:  # fmt: skip
        """One stage record as :class:`DeadlineBook` leaves it (outcome, holder, who answers, R11)."""
        due = self.adders[stage](start)
        warn = due - 600
        if done is None:
            met = outcome = None
        elif transferred:  # handed on: in time it is nobody's, once lapsed it stays late (R11)
            met = False if done > due else None
            outcome = Outcome.LATE.value if done > due else Outcome.TRANSFERRED.value
        else:
            met = done <= due
            outcome = (Outcome.MET if met else Outcome.LATE).value
            if user is None and stage is not Stage.OVERALL:
                user = by  # close_stages: the person who did the stage's work answers for it
        holder_value = (holder or STAGE_HOLDERS[stage]).value
        return (stage.value, str(DEFAULT_BUDGETS[stage]), start, due, warn, done, met, user, dep, by, outcome,
                holder_value, operator)  # fmt: skip

    def history(
        self, t0: int, operators: list[int], executors: dict[int, list[int]], open_tail: bool
    ) -> tuple[list[tuple], str, int | None, int | None]:
        rng = self.rng
        operator = rng.choice(operators)
        rows = []
        acted = self.work(t0, rng.choice((5, 15, 30, 45, 70, 120)))
        roll = rng.random()
        if open_tail and roll < 0.3:
            rows.append(self.stage(Stage.ROUTE, t0, None, None, None, None))
            rows.append(self.stage(Stage.OVERALL, t0, None, None, None, None))
            return rows, "new", None, None
        if roll < 0.05:  # R4: redirected out of competence
            rows.append(self.stage(Stage.ROUTE, t0, acted, operator, None, None))
            rows.append(self.stage(Stage.OVERALL, t0, acted, operator, None, None, operator=operator))
            rows.append(self.stage(Stage.REDIRECT, t0, acted, operator, operator, None))
            return rows, "redirected", None, None
        if roll < 0.08:  # closed as needing no reply
            rows.append(self.stage(Stage.ROUTE, t0, acted, operator, None, None))
            rows.append(self.stage(Stage.OVERALL, t0, acted, operator, None, None, operator=operator))
            return rows, "closed", None, None
        department = rng.randrange(1, DEPARTMENTS + 1)
        executor = rng.choice(executors[department])
        rows.append(self.stage(Stage.ROUTE, t0, acted, operator, None, None))
        t = acted
        submitted = self.work(t, rng.choice((40, 90, 180, 300, 360, 420)))
        if open_tail:
            rows.append(self.stage(Stage.DRAFT, t, None, None, None, department))
            rows.append(self.stage(Stage.OVERALL, t0, None, None, None, department, holder=Holder.DEPARTMENT,
                                   operator=operator))  # fmt: skip
            return rows, "routed", department, None
        if rng.random() < 0.03:  # reassigned within the department before the draft was done
            moved = self.work(t, rng.choice((20, 200, 400)))
            first = rng.choice(executors[department])
            rows.append(self.stage(Stage.DRAFT, t, moved, operator, first, department, transferred=True))
            t = moved
            submitted = self.work(t, rng.choice((40, 90, 180, 300)))
        rows.append(self.stage(Stage.DRAFT, t, submitted, executor, None, department))
        t = submitted
        interim = rng.random() < 0.05
        while True:
            decided = self.work(t, rng.choice((5, 10, 20, 35)))
            rows.append(self.stage(Stage.REVIEW, t, decided, operator, None, None))
            if rng.random() >= 0.2:
                break
            reworked = self.work(decided, rng.choice((10, 20, 25, 45)))  # R8: a return for rework
            rows.append(self.stage(Stage.REWORK, decided, reworked, executor, executor, department))
            t = reworked
        rows.append(self.stage(Stage.OVERALL, t0, decided, operator, executor, department, operator=operator))
        if interim:  # R9: the final answer after the interim one
            final = self.work(decided, rng.choice((120, 600, 1800, 3400)))
            rows.append(self.stage(Stage.FINAL_AFTER_INTERIM, decided, final, executor, None, department))
            approved = self.work(final, 15)
            rows.append(self.stage(Stage.REVIEW, final, approved, operator, None, None))
        return rows, "answered", department, executor


def _people(count_departments: int) -> tuple[list[tuple], list[tuple], list[int], dict[int, list[int]]]:
    departments = [(d, f"Управление № {d}", f"У{d}") for d in range(1, count_departments + 1)]
    users = [(1, "chief", "Руководитель", Role.SUPERVISOR.value, None)]
    operators = []
    for i in range(5):
        users.append((2 + i, f"op{i}", f"Оператор {i}", Role.OPERATOR.value, None))
        operators.append(2 + i)
    executors: dict[int, list[int]] = {}
    next_id = 10
    for d, *_ in departments:
        for k in range(3):
            users.append((next_id, f"ex{d}_{k}", f"Исполнитель {d}.{k}", Role.EXECUTOR.value, d))
            executors.setdefault(d, []).append(next_id)
            next_id += 1
    return departments, users, operators, executors


def build_sqlite(path: Path, count: int, seed: int) -> None:
    open_database(f"sqlite:///{path}").dispose()
    calendar = WorkCalendar.builtin("Europe/Moscow")
    builder = HistoryBuilder(calendar, seed)
    departments, users, operators, executors = _people(DEPARTMENTS)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    now = _utc_text(int(NOW.timestamp()))
    conn.executemany(
        "INSERT INTO departments (id, name, short_name, competence_keywords, is_active) VALUES (?,?,?,'',1)",
        departments,
    )
    conn.executemany(
        "INSERT INTO users (id, login, full_name, role, department_id, password_hash, is_active, created_at)"
        " VALUES (?,?,?,?,?,'x',1,?)",
        [(*u, now) for u in users],
    )
    messages, stages = [], []
    stage_id = 0

    def flush() -> None:
        conn.executemany(
            "INSERT INTO messages (id, external_id, channel_kind, platform, author_name, author_profile_url,"
            " post_url, text, posted_at, arrived_at, state, department_id, executor_id, address_key,"
            " state_reason, created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'',?,?,1)",
            [(*m, now, now) for m in messages],
        )
        conn.executemany(
            "INSERT INTO stage_deadlines (id, message_id, stage, budget, started_at, due_at, warn_from,"
            " completed_at, met, responsible_user_id, responsible_department_id, completed_by_id, outcome,"
            " holder, operator_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            stages,
        )
        messages.clear()
        stages.clear()

    for message, rows in builder.histories(count, operators, executors):
        messages.append(message)
        for stage, budget, start, due, warn, done, met, user, dep, by, outcome, holder, operator in rows:
            stage_id += 1
            stages.append((stage_id, message[0], stage, budget, _utc_text(start), _utc_text(due),
                           _utc_text(warn), None if done is None else _utc_text(done), met, user, dep, by,
                           outcome, holder, operator))  # fmt: skip
        if len(messages) >= 20_000:
            flush()
    flush()
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _pg_ts(epoch: int | None) -> str | None:
    return None if epoch is None else _utc_text(epoch) + "+00"


def _pg_text(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def build_postgres(url: str, count: int, seed: int) -> None:
    """COPY the same rows into PostgreSQL (1,000,000 messages take minutes, done once per size)."""
    db = open_database(url)
    calendar = WorkCalendar.builtin("Europe/Moscow")
    builder = HistoryBuilder(calendar, seed)
    departments, users, operators, executors = _people(DEPARTMENTS)
    with db.engine.begin() as conn:
        # DELETE, not TRUNCATE … CASCADE: that would reach the append-only audit trail, which refuses it.
        # The summaries are dropped too: the rows below bypass the write hooks, so the measurement
        # rebuilds them from the base tables (the backfill) instead of reading stale ones.
        for table in ("report_summary_state", "report_message_facts", "report_message_days", "report_stage_days",
                      "report_clock_days", "stage_deadlines", "messages", "users", "departments"):  # fmt: skip
            conn.exec_driver_sql(f"DELETE FROM {table}")
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        now = dt.datetime.fromtimestamp(NOW.timestamp(), dt.UTC)
        with cursor.copy(
            "COPY departments (id, name, short_name, competence_keywords, is_active) FROM STDIN"
        ) as copy:
            for d in departments:
                copy.write_row((*d, "", True))
        with cursor.copy(
            "COPY users (id, login, full_name, role, department_id, password_hash, is_active, created_at) FROM STDIN"
        ) as copy:
            for u in users:
                copy.write_row((*u, "x", True, now))
        stage_id = 0

        # Stage rows go to a temporary file in COPY's text format while the messages stream in
        # (1,000,000 messages make 4.4 million stage rows: too many to hold in memory).
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            with cursor.copy(
                "COPY messages (id, external_id, channel_kind, platform, author_name, author_profile_url,"
                " post_url, text, posted_at, arrived_at, state, department_id, executor_id, address_key,"
                " state_reason, created_at, updated_at, version) FROM STDIN"
            ) as mcopy:
                for message, rows in builder.histories(count, operators, executors):
                    m = list(message)
                    m[8] = dt.datetime.strptime(m[8], FMT).replace(tzinfo=dt.UTC)
                    m[9] = dt.datetime.strptime(m[9], FMT).replace(tzinfo=dt.UTC)
                    mcopy.write_row((*m, "", now, now, 1))
                    for (
                        stage,
                        budget,
                        start,
                        due,
                        warn,
                        done,
                        met,
                        user,
                        dep,
                        by,
                        outcome,
                        holder,
                        op,
                    ) in rows:
                        stage_id += 1
                        fields = (stage_id, m[0], stage, budget, _pg_ts(start), _pg_ts(due), _pg_ts(warn),
                                  _pg_ts(done), met, user, dep, by, outcome, holder, op)  # fmt: skip
                        spool.write("\t".join(_pg_text(v) for v in fields) + "\n")
            spool.seek(0)
            with cursor.copy(
                "COPY stage_deadlines (id, message_id, stage, budget, started_at, due_at, warn_from,"
                " completed_at, met, responsible_user_id, responsible_department_id, completed_by_id, outcome,"
                " holder, operator_id) FROM STDIN"
            ) as scopy:
                while chunk := spool.read(1 << 20):
                    scopy.write(chunk)
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
        db.dispose()


# -- measuring --------------------------------------------------------------------------------------


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def measure(url: str, workdir: Path, prefix: str, xlsx_year: bool = True) -> dict[str, float]:
    """Times of the real path; ``*_cpu_s`` is this process's CPU (the database's too, on SQLite), which a
    loaded machine inflates far less than the wall-clock time. Without ``xlsx_year`` (1,000,000 messages)
    the every-message XLSX is of the month: a year of a million rows measures openpyxl, not the report."""
    db = open_database(url)  # the schema brought to head, as the app does when it opens a database
    services = build_services(Settings(), db, now=lambda: NOW)
    chief = Actor(1, "chief", "Руководитель", Role.SUPERVISOR)
    year = ReportPeriod(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    month = ReportPeriod(dt.date(YEAR, 11, 1), dt.date(YEAR, 11, 30))
    out: dict[str, float] = {}
    services.calendar.calendar()  # build the calendar once, as the running app has
    # The per-day summaries: built on first use from the base tables (the backfill of a database made
    # before them, as this one is: its rows were bulk-inserted), then kept by the write hooks.
    summaries = services.db.report_summaries
    with db.session() as session:
        built = summaries.built(session)
    if not built:
        out[f"{prefix}summaries_backfill_s"], _ = timed(summaries.ensure_current)
    with db.engine.connect() as conn:
        out[f"{prefix}messages"] = conn.scalar(sa.text("SELECT count(*) FROM messages"))
        out[f"{prefix}stage_records"] = conn.scalar(sa.text("SELECT count(*) FROM stage_deadlines"))
    cpu = time.process_time()
    out[f"{prefix}dashboard_year_s"], board = timed(lambda: services.reports.dashboard(chief, year, NOW))
    out[f"{prefix}dashboard_year_cpu_s"] = time.process_time() - cpu
    cpu = time.process_time()
    out[f"{prefix}dashboard_month_s"], month_board = timed(
        lambda: services.reports.dashboard(chief, month, NOW)
    )
    out[f"{prefix}dashboard_month_cpu_s"] = time.process_time() - cpu
    late_drill = board.figure("late").drill
    out[f"{prefix}drill_late_year_s"], refs = timed(lambda: services.reports.drill_down(chief, late_drill))
    out[f"{prefix}drill_late_rows"] = len(refs)
    xlsx_name, xlsx_board, xlsx_period = ("year", board, year) if xlsx_year else ("month", month_board, month)
    out[f"{prefix}export_xlsx_{xlsx_name}_s"], _ = timed(
        lambda: write_xlsx(
            xlsx_board,
            workdir / "export.xlsx",
            messages=services.reports.board.message_lines(chief, xlsx_period, NOW),
        )
    )
    out[f"{prefix}export_xlsx_mb"] = round((workdir / "export.xlsx").stat().st_size / 2**20, 1)
    out[f"{prefix}export_csv_year_s"], _ = timed(
        lambda: write_csv(board, workdir / "year.csv", by="department")
    )
    from PySide6.QtGui import QGuiApplication

    from desktop_app.views.reports.pdf import write_pdf

    _app = QGuiApplication.instance() or QGuiApplication([])
    out[f"{prefix}export_pdf_year_s"], _ = timed(lambda: write_pdf(board, workdir / "year.pdf"))
    # The summaries' figures against the direct computation from the base tables (exact equality):
    # the month always, the year where the direct path takes seconds, not minutes.
    out[f"{prefix}month_equals_direct"] = _same(
        month_board, services.reports.board.dashboard(chief, month, NOW, direct=True)
    )
    if xlsx_year:
        out[f"{prefix}year_equals_direct"] = _same(
            board, services.reports.board.dashboard(chief, year, NOW, direct=True)
        )
    out[f"{prefix}received_year"] = board.figure("received").value or 0
    out[f"{prefix}received_month"] = month_board.figure("received").value or 0
    db.dispose()
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def _same(summed, direct) -> bool:
    """Every figure, grouping row, trend point and funnel step equal (floats exactly)."""
    return (
        [(f.key, f.value, f.previous) for f in summed.figures]
        == [(f.key, f.value, f.previous) for f in direct.figures]
        and {k: [(r.key, r.values) for r in g.rows] for k, g in summed.groupings.items()}
        == {k: [(r.key, r.values) for r in g.rows] for k, g in direct.groupings.items()}
        and summed.trend == direct.trend
        and summed.funnel == direct.funnel
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="1,000 messages, seconds")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--postgres-messages", type=int, default=None, help="size on PostgreSQL (default 1,000,000)"
    )
    parser.add_argument(
        "--start-postgres",
        action="store_true",
        help="start a throwaway local server on a data folder cached in the temp dir (kept for reruns)",
    )
    args = parser.parse_args()
    count = 1_000 if args.quick else args.messages
    cache = Path(tempfile.gettempdir()) / "otklik-bench-reports"
    cache.mkdir(exist_ok=True)
    path = cache / f"reports-{count}-{SEED}-v8.sqlite3"  # v8: the schema with the summaries (0013)
    older = cache / f"reports-{count}-{SEED}-v7.sqlite3"  # the same generated rows, an older schema
    if not path.exists() and older.exists():
        with sqlite3.connect(older) as src, sqlite3.connect(path.with_suffix(".building")) as dst:
            src.backup(dst)
        path.with_suffix(".building").rename(path)
    results: dict[str, float] = {"load_average_1min": round(os.getloadavg()[0], 2)}
    if not path.exists():
        partial = path.with_suffix(".building")
        partial.unlink(missing_ok=True)
        results["build_sqlite_s"], _ = timed(lambda: build_sqlite(partial, count, SEED))
        partial.rename(path)
    with tempfile.TemporaryDirectory() as workdir:
        results.update(measure(f"sqlite:///{path}", Path(workdir), "sqlite_"))
    results["sqlite_target_s"] = TARGET_SQLITE_S
    pg_url = os.environ.get("OTKLIK_BENCH_POSTGRES_URL")
    with contextlib.ExitStack() as stack:
        if args.start_postgres and not pg_url:
            pg_url = stack.enter_context(cached_postgres(cache / "postgres-data"))
        if pg_url:
            measure_postgres(pg_url, args, results)
    results["load_average_1min_end"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        for name, value in results.items():
            print(f"{name}: {value}")
    return 0


def measure_postgres(pg_url: str, args: argparse.Namespace, results: dict[str, float]) -> None:
    pg_count = args.postgres_messages or (1_000 if args.quick else 1_000_000)
    db = Database(pg_url)
    try:
        with db.engine.connect() as conn:
            have = conn.scalar(sa.text("SELECT count(*) FROM messages"))
    except sa.exc.DBAPIError:
        have = None
    db.dispose()
    if have != pg_count:
        results["build_postgres_s"], _ = timed(lambda: build_postgres(pg_url, pg_count, SEED))
    with tempfile.TemporaryDirectory() as workdir:
        results.update(measure(pg_url, Path(workdir), "postgres_", xlsx_year=pg_count <= 200_000))
    results["postgres_target_s"] = TARGET_POSTGRES_S


@contextlib.contextmanager
def cached_postgres(data: Path) -> Iterator[str | None]:
    """A local server on ``data`` (created once, kept for reruns), as tests/support/pg_server.py starts
    one: the Debian ``postgresql`` binaries, loopback, trust, no fsync; as ``postgres`` when root."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if not bins:
        yield None
        return
    bin_dir = Path(bins[0])
    run_as: list[str] = []
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if run_as:
            shutil.chown(data, "postgres", "postgres")
        subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "otklik", "-A", "trust",
                        "-E", "UTF8"], check=True, capture_output=True, env=env)  # fmt: skip
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} -k {data} -c fsync=off -c synchronous_commit=off"
               " -c shared_buffers=512MB -c work_mem=64MB -c max_wal_size=4GB")  # fmt: skip
    ctl = [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data)]
    subprocess.run([*ctl, "-o", options, "-l", str(data / "log"), "-w", "start"], check=True,
                   capture_output=True, env=env)  # fmt: skip
    try:
        yield f"postgresql+psycopg://otklik@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*ctl, "-m", "fast", "stop"], capture_output=True, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
