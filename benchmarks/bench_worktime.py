"""Working-time engine benchmark: correctness and speed against businesstimedelta.

Both libraries get a calendar they can both express: Mon–Fri 09:00–13:00 and 14:00–18:00 in
Europe/Moscow plus the official 2026–2027 holiday list (no working Saturdays, no shortened days:
businesstimedelta cannot express those). Every case must give the identical due instant.

Usage: ``python benchmarks/bench_worktime.py [--cases N] [--quick] [--json]`` (finishes well within 2 minutes).
Prints ``name: value`` lines, or one JSON object with ``--json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time

import businesstimedelta
import pytz

from desktop_app.domain.worktime import CalendarSpec, WeeklySchedule, WorkCalendar, WorkDuration, YearData
from desktop_app.domain.worktime.data import load_builtin_years

TZ_NAME = "Europe/Moscow"


def _holidays() -> list[dt.date]:
    """Official days off of 2026–2027 that fall on weekdays (weekends are off anyway)."""
    days = []
    for year in load_builtin_years():
        if year.year in (2026, 2027):
            days.extend(d for d in year.holidays if d.weekday() < 5)
    return sorted(days)


def _our_calendar(holidays: list[dt.date]) -> WorkCalendar:
    years = tuple(
        YearData(year=y, holidays=frozenset(d for d in holidays if d.year == y)) for y in (2026, 2027)
    )
    return WorkCalendar(CalendarSpec(timezone=TZ_NAME, schedule=WeeklySchedule.default(), years=years))


def _btd_rules(holidays: list[dt.date]) -> businesstimedelta.Rules:
    tz = pytz.timezone(TZ_NAME)
    workday = businesstimedelta.WorkDayRule(
        start_time=dt.time(9), end_time=dt.time(18), working_days=[0, 1, 2, 3, 4], tz=tz
    )
    lunch = businesstimedelta.LunchTimeRule(
        start_time=dt.time(13), end_time=dt.time(14), working_days=[0, 1, 2, 3, 4], tz=tz
    )
    return businesstimedelta.Rules([workday, lunch, businesstimedelta.HolidayRule(holidays, tz=tz)])


def _cases(n: int, seed: int = 20261129) -> list[tuple[dt.datetime, int]]:
    """Starts spread over 2026 (whole seconds), durations 1 minute .. 3 working days in minutes.

    Every due lies well before the last holiday of 2027, so businesstimedelta always finds a
    holiday after the start (it raises TypeError otherwise).
    """
    rng = random.Random(seed)
    tz = pytz.timezone(TZ_NAME)
    first = dt.datetime(2026, 1, 1)
    cases = []
    for _ in range(n):
        naive = first + dt.timedelta(seconds=rng.randrange(365 * 86400))
        if rng.random() < 0.3:  # a third of the starts on the working-day boundaries
            naive = naive.replace(
                hour=rng.choice((9, 12, 13, 14, 17, 18)), minute=rng.choice((0, 30, 59)), second=0
            )
        minutes = rng.choice((30, 60, 360, 480)) if rng.random() < 0.5 else rng.randint(1, 3 * 480)
        cases.append((tz.localize(naive), minutes))
    return cases


def _per_call_us(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1e6


def run(n_cases: int) -> dict[str, float | int]:
    holidays = _holidays()
    ours = _our_calendar(holidays)
    rules = _btd_rules(holidays)
    cases = _cases(n_cases)

    # correctness: identical due instant for every case
    mismatches = 0
    btd_results = []
    start = time.perf_counter()
    for when, minutes in cases:
        btd_results.append(when + businesstimedelta.BusinessTimeDelta(rules, seconds=minutes * 60))
    btd_us = (time.perf_counter() - start) / len(cases) * 1e6
    for (when, minutes), theirs in zip(cases, btd_results, strict=True):
        if ours.add(when, WorkDuration.minutes(minutes)).timestamp() != theirs.timestamp():
            mismatches += 1

    # our datetime API (aware datetime in, aware datetime out), best of 3
    durations = [WorkDuration.minutes(m) for _, m in cases]
    pairs = list(zip([w for w, _ in cases], durations, strict=True))
    add = ours.add

    def api_pass() -> None:
        for when, duration in pairs:
            add(when, duration)

    api_us = min(_per_call_us(api_pass, 1) for _ in range(3)) / len(pairs)

    # integer core: epoch seconds in, epoch seconds out
    epochs = [ours.to_epoch(w) for w, _ in cases]
    seconds = [m * 60 for _, m in cases]
    core_pairs = list(zip(epochs, seconds, strict=True)) * max(1, 200_000 // len(cases))
    add_core = ours.add_seconds_epoch

    def core_pass() -> None:
        for t, s in core_pairs:
            add_core(t, s)

    core_us = min(_per_call_us(core_pass, 1) for _ in range(3)) / len(core_pairs)
    days_core = ours.adder(WorkDuration.days(7))
    core_days_us = min(
        _per_call_us(lambda: [days_core(t) for t, _ in core_pairs], 1) for _ in range(3)
    ) / len(core_pairs)

    return {
        "cases": len(cases),
        "mismatches": mismatches,
        "businesstimedelta_us_per_deadline": round(btd_us, 2),
        "otklik_api_us_per_deadline": round(api_us, 3),
        "otklik_core_us_per_deadline": round(core_us, 3),
        "speedup_api_vs_businesstimedelta": round(btd_us / api_us, 1),
        "speedup_core_vs_businesstimedelta": round(btd_us / core_us, 1),
        "core_deadlines_per_second": int(1e6 / core_us),
        "core_days_deadlines_per_second": int(1e6 / core_days_us),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000, help="number of random deadlines (default 3000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="300 cases: runs in seconds (CI)")
    options = parser.parse_args(argv)
    results = run(300 if options.quick else options.cases)
    if options.json:
        print(json.dumps(results))
    else:
        for name, value in results.items():
            print(f"{name}: {value}")
    ok = (
        results["mismatches"] == 0
        and results["speedup_api_vs_businesstimedelta"] >= 100
        and results["core_deadlines_per_second"] >= 200_000
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
