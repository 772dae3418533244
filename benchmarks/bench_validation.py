"""Benchmark of draft validation with both engines side by side (R7): start-up, latency, memory.

    .venv/bin/python benchmarks/bench_validation.py [--rounds N] [--quick] [--engines embedded,languagetool] [--json]

Each engine is measured in its own child process (so one engine's memory does not count for the other),
through the app's path: ``create_proofreader(settings)`` → ``DraftValidator.validate``. Per engine:

- ``start_s``: construction to ready (embedded: pylat-ru built and warmed; languagetool: JVM started,
  ``/v2/healthcheck`` answered, one warm-up check), navec/pymorphy3 loaded meanwhile;
- ``first_validation_ms``: the first full validation after that; then ``--warm`` checks of other new drafts;
- ``new_draft_p50_ms``/``p95``: a full validation of an entirely new ≈750-character draft (every sentence
  differs from all earlier ones, so no sentence cache helps); ``engine_new_draft_p50_ms``: the engine's
  check alone;
- ``named_draft_p50_ms``/``p95``: the same for a new ≈500-character draft naming three contractors never
  seen before (in quotes after ООО / МУП / АО): the words no dictionary holds, as in real answers;
- ``coverage_new_draft_p50_ms``/``coverage_new_draft_cpu_p50_ms``: question coverage alone on a new
  draft, wall and CPU time of this process (target ≤ 30 ms; issue 15);
- ``edit_p50_ms``/``p95``: re-validation after one sentence changed (the editor's case);
- ``rss_mib``: resident memory at the end — the Python process, plus the JVM for LanguageTool.

Prints ``name: value`` lines (``engine.name``), or one JSON object with ``--json``. Targets: embedded
p50 ≤ 250 ms; LanguageTool engine check of a new draft p50 ≤ 80 ms. ``--quick`` runs 5 rounds.
LanguageTool is skipped (``languagetool.skipped``) where its jars or Java are missing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MESSAGE = (
    "Добрый день! Уже третью неделю во дворе дома 14 по улице Советской не горят фонари, вечером дети идут "
    "из школы в темноте. Когда их починят? Кроме того, у подъезда огромная яма, в которой стоит вода. "
    "Будет ли она засыпана до зимы? Прошу принять меры и разобраться с управляющей компанией!"
)
# Every sentence carries a number, so each round's draft is new sentence by sentence (≈750 characters).
DRAFT = (
    "Здравствуйте, Анна! Ваше обращение № {a} рассмотрено администрацией городского округа. Замена "
    "светильников во дворе дома {b} по улице Советской будет выполнена специалистами МУП «Горсвет» до {c} "
    "ноября: закуплены {d} новых светодиодных фонарей, бригада приступит к работам в понедельник. Яма у "
    "подъезда будет засыпана щебнем и заасфальтирована управляющей компанией до {e} декабря, до начала "
    "морозов. Управляющей компании выдано предписание № {f}, исполнение взято на контроль отделом ЖКХ. Если "
    "после {g} декабря освещение не заработает или ремонт покрытия не будет выполнен, сообщите нам повторно, "
    "и мы проведём выездную проверку с участием {h} представителей управляющей компании. Благодарим за "
    "обращение и внимание к благоустройству нашего города! Хорошего вам дня."
)
# Real answers name contractors the dictionaries have never seen: each round's draft names three new
# ones (in quotes after a legal form, so the validator lets them pass as names).
NAMED_DRAFT = (
    "Здравствуйте, Анна! Работы по ремонту освещения во дворе дома {b} по улице Советской выполнит ООО "
    "«{first}» до {c} ноября. Яму у подъезда засыплет и заасфальтирует подрядчик МУП «{second}» до {e} "
    "декабря, до начала морозов. Вывоз строительного мусора после работ организует АО «{third}». Если "
    "после {g} декабря освещение не заработает, сообщите нам повторно, и мы проведём выездную проверку."
)
_SYLLABLES = ("тех", "мон", "дор", "вел", "кар", "сит", "бан", "лир", "нор", "пек", "рус", "вит", "гал")
AUTHOR = "Анна Смирнова"
TARGETS = {"embedded": {"new_draft_p50_ms": 250}, "languagetool": {"engine_new_draft_p50_ms": 80}}


def draft(round_number: int, edit: int = 0) -> str:
    """A new draft per ``round_number``; ``edit`` changes only the second sentence's house number."""
    n = 1000 + round_number * 37
    return DRAFT.format(
        a=n, b=n + 1 + edit, c=n % 28 + 1, d=n % 90 + 10, e=n % 27 + 2, f=n + 5, g=n % 26 + 3, h=n % 7 + 2
    )


def named_draft(round_number: int) -> str:
    """A new draft per ``round_number`` whose three company names are new words too."""
    n = 1000 + round_number * 37

    def name(k: int) -> str:
        parts = [_SYLLABLES[(n // 13**i + k * 5) % len(_SYLLABLES)] for i in range(3)]
        return "".join(parts).capitalize() + ("строй", "сервис", "энерго")[k]

    return NAMED_DRAFT.format(
        b=n + 1, c=n % 28 + 1, e=n % 27 + 2, g=n % 26 + 3, first=name(0), second=name(1), third=name(2)
    )


def rss_mib(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def cpu_seconds(jvm_pid: int | None) -> float:
    """CPU time used so far by this process and, if given, the JVM (all threads, user + system)."""
    total = time.process_time()
    if jvm_pid:
        try:
            fields = Path(f"/proc/{jvm_pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return total


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def measure(engine_name: str, rounds: int, warm_rounds: int) -> dict[str, object]:
    """One engine, in this process."""
    from types import SimpleNamespace

    from desktop_app.adapters.proofreading import create_proofreader, find_java, installed_languagetool_dir
    from desktop_app.domain.validation import DraftValidator, default_dictionary_words

    if engine_name == "languagetool" and not (installed_languagetool_dir() and find_java()):
        return {"skipped": "LanguageTool jars or Java missing (scripts/setup.sh)"}
    settings = SimpleNamespace(
        engine=engine_name, languagetool_url="", languagetool_dir="", java_path="", java_memory_mb=512
    )
    started = time.perf_counter()
    engine = create_proofreader(settings)
    engine.start()
    validator = DraftValidator(engine, default_dictionary_words())  # loads navec meanwhile
    engine.wait_ready(300) if hasattr(engine, "wait_ready") else engine.ready.wait(300)
    start_s = time.perf_counter() - started
    try:
        t0 = time.perf_counter()
        first = validator.validate(MESSAGE, draft(0), author_name=AUTHOR, platform="vk")
        first_ms = (time.perf_counter() - t0) * 1000
        ran = first.spelling.engine
        new, engine_only, edits = [], [], []
        coverage: list[tuple[float, float]] = []
        clear = getattr(engine, "clear_cache", None)
        for index in range(warm_rounds):  # "warm": the JVM's JIT has compiled the hot rules
            engine.proofread(draft(50_000 + index))
        server = getattr(getattr(engine, "primary", None), "server", None)
        jvm_pid = server.pid if server is not None else None
        for index in range(1, rounds + 1):
            if clear:
                clear()
            t0 = time.perf_counter()
            timed = validator.validate(MESSAGE, draft(index), author_name=AUTHOR, platform="vk").timings_ms
            new.append((time.perf_counter() - t0) * 1000)
            coverage.append((timed["questions"], timed["total"]))  # issue 15: coverage's own share
        named = []
        for index in range(1, rounds + 1):  # new drafts naming contractors no dictionary knows
            if clear:
                clear()
            t0 = time.perf_counter()
            validator.validate(MESSAGE, named_draft(index), author_name=AUTHOR, platform="vk")
            named.append((time.perf_counter() - t0) * 1000)
        coverage_alone: list[tuple[float, float]] = []
        for index in range(1, rounds + 1):  # issue 15: the coverage step alone, wall and CPU time
            t0, c0 = time.perf_counter(), time.process_time()
            validator.questions.analyse(MESSAGE, draft(index + 30_000))
            coverage_alone.append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
        cpu_before = cpu_seconds(jvm_pid)
        for index in range(1, rounds + 1):
            if clear:
                clear()
            t0 = time.perf_counter()
            engine.proofread(draft(index + 10_000))
            engine_only.append((time.perf_counter() - t0) * 1000)
        engine_cpu_ms = (cpu_seconds(jvm_pid) - cpu_before) * 1000 / rounds
        for index in range(1, rounds + 1):  # the editor's case: the previous version was checked
            validator.validate(MESSAGE, draft(index + 20_000), author_name=AUTHOR, platform="vk")
            t0 = time.perf_counter()
            validator.validate(MESSAGE, draft(index + 20_000, edit=index), author_name=AUTHOR, platform="vk")
            edits.append((time.perf_counter() - t0) * 1000)
        python_rss = rss_mib()
        jvm_rss = rss_mib(jvm_pid) if jvm_pid else 0.0
        results: dict[str, object] = {
            "engine_ran": ran,
            "draft_chars": len(draft(1)),
            "rounds": rounds,
            "warm_up_checks": warm_rounds,
            "start_s": round(start_s, 2),
            "first_validation_ms": round(first_ms, 1),
            "new_draft_p50_ms": round(statistics.median(new), 1),
            "new_draft_p95_ms": round(percentile(new, 0.95), 1),
            "named_draft_p50_ms": round(statistics.median(named), 1),
            "named_draft_p95_ms": round(percentile(named, 0.95), 1),
            "new_draft_coverage_p50_ms": round(statistics.median(q for q, _ in coverage), 1),
            "new_draft_coverage_share": round(sum(q for q, _ in coverage) / sum(t for _, t in coverage), 3),
            # Coverage alone on a new draft; its CPU time is what the wall time is on an idle machine
            # (target ≤ 30 ms after warm-up, docs/VALIDATION.md).
            "coverage_new_draft_p50_ms": round(statistics.median(w for w, _ in coverage_alone), 1),
            "coverage_new_draft_cpu_p50_ms": round(statistics.median(c for _, c in coverage_alone), 1),
            "engine_new_draft_p50_ms": round(statistics.median(engine_only), 1),
            "engine_new_draft_p95_ms": round(percentile(engine_only, 0.95), 1),
            # CPU time per engine check (this process + the JVM): what the wall time is on an idle machine.
            "engine_new_draft_cpu_mean_ms": round(engine_cpu_ms, 1),
            "edit_p50_ms": round(statistics.median(edits), 1),
            "edit_p95_ms": round(percentile(edits, 0.95), 1),
            "python_rss_mib": round(python_rss, 1),
            "jvm_rss_mib": round(jvm_rss, 1),
            "rss_mib": round(python_rss + jvm_rss, 1),
            "load_average_1min": round(os.getloadavg()[0], 2),  # 2 cores: figures scale with load
        }
        for name, target in TARGETS.get(engine_name, {}).items():
            results[f"target_{name}"] = target
        return results
    finally:
        engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warm", type=int, default=20, help="checks of new drafts before measuring")
    parser.add_argument("--quick", action="store_true", help="5 rounds, 3 warm-up checks")
    parser.add_argument("--engines", default="embedded,languagetool")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # measure one engine in this process
    options = parser.parse_args()
    rounds = 5 if options.quick else options.rounds
    warm = 3 if options.quick else options.warm
    if options.child:
        print(json.dumps(measure(options.child, rounds, warm), ensure_ascii=False))
        return 0

    results: dict[str, object] = {}
    for name in [e.strip() for e in options.engines.split(",") if e.strip()]:
        child = subprocess.run(
            [sys.executable, __file__, "--child", name, "--rounds", str(rounds), "--warm", str(warm)],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        lines = child.stdout.strip().splitlines()
        if child.returncode != 0 or not lines:
            results[name] = {"error": (child.stderr.strip().splitlines() or ["no output"])[-1]}
            continue
        results[name] = json.loads(lines[-1])
    if options.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        for engine, figures in results.items():
            for key, value in figures.items():  # type: ignore[union-attr]
                print(f"{engine}.{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
