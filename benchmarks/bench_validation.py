"""Benchmark of draft validation with the embedded engine (R7): warm latency, start-up, memory.

    .venv/bin/python benchmarks/bench_validation.py [--rounds N] [--json]

Prints ``name: value`` lines, or one JSON object with ``--json``. Targets: p50 ≤ 250 ms and
p95 ≤ 600 ms for a full validation of an ~800-character draft.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MESSAGE = (
    "Добрый день! Уже третью неделю во дворе дома 14 по улице Советской не горят фонари, вечером дети идут "
    "из школы в темноте. Когда их починят? Кроме того, у подъезда огромная яма, в которой стоит вода. "
    "Будет ли она засыпана до зимы? Прошу принять меры и разобраться с управляющей компанией!"
)
DRAFTS = [
    "Здравствуйте, Анна! Ваше обращение рассмотрено администрацией городского округа. Замена светильников "
    "во дворе дома 14 по улице Советской будет выполнена специалистами МУП «Горсвет» до {day} ноября: "
    "закуплены новые светодиодные фонари, бригада приступит к работам в понедельник. Яма у подъезда будет "
    "засыпана щебнем и заасфальтирована управляющей компанией до 1 декабря, до начала морозов. Управляющей "
    "компании выдано предписание, исполнение взято на контроль отделом ЖКХ. Если после указанных сроков "
    "освещение не заработает или ремонт покрытия не будет выполнен, сообщите нам повторно, и мы проведём "
    "выездную проверку с участием представителей управляющей компании. Благодарим за обращение и "
    "внимание к благоустройству нашего города! Хорошего вам дня.",
]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()

    rss_before = rss_mib()
    started = time.perf_counter()
    from desktop_app.adapters.proofreading import EmbeddedProofreader
    from desktop_app.domain.validation import DraftValidator, default_dictionary_words

    engine = EmbeddedProofreader()
    engine.start()
    validator = DraftValidator(engine, default_dictionary_words())  # loads navec meanwhile
    engine.wait_ready()
    startup = time.perf_counter() - started
    first_started = time.perf_counter()
    validator.validate(MESSAGE, DRAFTS[0].format(day=20), author_name="Анна Смирнова", platform="vk")
    first = time.perf_counter() - first_started

    def run(cold: bool) -> list[float]:
        samples = []
        for index in range(options.rounds):
            # An edit changes one sentence (the date); "cold" also empties the sentence cache.
            draft = DRAFTS[0].format(day=10 + index % 20)
            if cold:
                engine.clear_cache()
            t0 = time.perf_counter()
            validator.validate(MESSAGE, draft, author_name="Анна Смирнова", platform="vk")
            samples.append((time.perf_counter() - t0) * 1000)
        return sorted(samples)

    samples = run(cold=False)
    cold = run(cold=True)
    # Question coverage's share of an entirely new text's check (issue 15: slovnet parse + focus).
    shares = []
    for index in range(max(3, options.rounds // 4)):
        engine.clear_cache()
        timed = validator.validate(
            MESSAGE,
            DRAFTS[0].format(day=10 + index % 20) + f" Код {index}.",
            author_name="Анна Смирнова",
            platform="vk",
        ).timings_ms
        shares.append((timed["questions"], timed["total"]))
    report = validator.validate(MESSAGE, DRAFTS[0].format(day=20), author_name="Анна Смирнова", platform="vk")
    results = {
        "draft_chars": len(DRAFTS[0].format(day=20)),
        "rounds": options.rounds,
        "startup_s": round(startup, 3),
        "first_validation_ms": round(first * 1000, 1),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        "max_ms": round(samples[-1], 1),
        "cold_text_p50_ms": round(statistics.median(cold), 1),
        "cold_text_p95_ms": round(cold[max(0, int(len(cold) * 0.95) - 1)], 1),
        "cold_text_coverage_p50_ms": round(statistics.median(q for q, _ in shares), 1),
        "cold_text_coverage_share": round(sum(q for q, _ in shares) / sum(t for _, t in shares), 3),
        "rss_before_mib": round(rss_before, 1),
        "rss_peak_mib": round(rss_mib(), 1),
        "report_ok": report.ok,
        "target_p50_ms": 250,
        "target_p95_ms": 600,
    }
    if options.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        for name, value in results.items():
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
