"""Spelling: both engines compared, alone and as shipped (R7 (2)).

    .venv/bin/python -m tests.validation.spelling_evaluation [--engines embedded,languagetool] [-v]

For each configuration prints spelling recall/precision over the project's 47 earlier evaluation pairs
(``corpus/dev/legacy.json`` spelling spans) plus the slips below and suggestion quality over the slips: the share where the right word is
the first replacement and where it is among the first three.

Configurations: ``<engine>.alone`` — the engine's matches and its own suggestion order, no rule pack, no
organisation dictionary filter, no proper-name rule; ``<engine>.shipped`` — what the app runs: suggestions closest first, the
organisation dictionary (for LanguageTool also its ignore list) and the rule pack on top. The shipped
combination is ``languagetool.shipped`` where LanguageTool is installed (``engine = "auto"``).
The LanguageTool server is started once, with the organisation dictionary as its ignore list, for both.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from desktop_app.domain.validation import DraftValidator, Proofreader, RulePack, default_dictionary_words
from tests.validation.evaluation import load_part

# Slips officials make in answers, each in its sentence: (sentence, typed word, the right word).
# Written for this project; not tuned to either engine or to the re-ranking.
SLIPS: tuple[tuple[str, str, str], ...] = (
    ("Ваше обращение расмотрено администрацией округа.", "расмотрено", "рассмотрено"),
    ("Ваше обращенние передано в отдел ЖКХ.", "обращенние", "обращение"),
    ("Коммисия проведёт обследование дома в пятницу.", "Коммисия", "Комиссия"),
    ("Адмнистрация района взяла вопрос на контроль.", "Адмнистрация", "Администрация"),
    ("Ремонт будет выполненно до конца месяца.", "выполненно", "выполнено"),
    ("Дорога будет заасфальтированна летом.", "заасфальтированна", "заасфальтирована"),
    ("Подрятчик приступит к работам в понедельник.", "Подрятчик", "Подрядчик"),
    ("Управляющей компании выдано придписание.", "придписание", "предписание"),
    ("Работы по благоустроиству двора запланированы на май.", "благоустроиству", "благоустройству"),
    ("Информеруем вас, что работы завершены.", "Информеруем", "Информируем"),
    ("Исполнение взято на кантроль.", "кантроль", "контроль"),
    ("Предпреятие устранит аварию до вечера.", "Предпреятие", "Предприятие"),
    ("Уборка террритории проводится ежедневно.", "террритории", "территории"),
    ("Проведено обследованние подвала.", "обследованние", "обследование"),
    ("Специолисты выедут на место завтра.", "Специолисты", "Специалисты"),
    ("План мероприятей утверждён главой округа.", "мероприятей", "мероприятий"),
    ("Расписанее автобусов изменено с 1 марта.", "Расписанее", "Расписание"),
    ("Компинсация будет выплачена в течение месяца.", "Компинсация", "Компенсация"),
    ("Подрядчик несёт ответственость за качество работ.", "ответственость", "ответственность"),
    ("Аварийнная бригада выехала на место.", "Аварийнная", "Аварийная"),
    ("Долг по оплате комунальных услуг пересчитан.", "комунальных", "коммунальных"),
    ("Ваше заявленние зарегистрировано.", "заявленние", "заявление"),
    ("Для двора преобретены новые скамейки.", "преобретены", "приобретены"),
    ("Жильцы будут праинформированы заранее.", "праинформированы", "проинформированы"),
    ("Отапление в доме включено.", "Отапление", "Отопление"),
    ("Светильники заменены на светодиодные, освещенние восстановлено.", "освещенние", "освещение"),
    ("Яма будет засыпанна щебнем.", "засыпанна", "засыпана"),
    ("Сроки выполнения работ согласованны с подрядчиком.", "согласованны", "согласованы"),
    ("Мусор будет вывезен в ближайшее время, контейнерная площатка убрана.", "площатка", "площадка"),
    ("Благодорим за обращение!", "Благодорим", "Благодарим"),
)


@dataclass
class SpellingScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    first: int = 0
    top3: int = 0
    slips: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def first_rate(self) -> float:
        return self.first / self.slips if self.slips else 1.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.slips if self.slips else 1.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate_spelling(validator: DraftValidator) -> SpellingScore:
    """Detection over the legacy pairs and the slips; suggestion quality over the slips."""
    score = SpellingScore()
    # The 47 pairs that were ``cases.py`` (issue 15 moved them into the corpus's development part).
    legacy = [p for p in load_part("dev") if p.id.startswith("dev-legacy-")]
    texts = [(p.id, p.draft, list(p.spelling_errors)) for p in legacy]
    texts += [(f"slip:{typed}", sentence, [typed]) for sentence, typed, _ in SLIPS]
    for name, text, expected in texts:
        spans = []
        for fragment in expected:
            start = text.find(fragment)
            assert start >= 0, f"{name}: {fragment!r} not in text"
            spans.append((start, start + len(fragment)))
        matches = validator.check_spelling(text).matches
        found = [(m.offset, m.offset + m.length) for m in matches]
        for span in spans:
            if any(_overlaps(span, f) for f in found):
                score.tp += 1
            else:
                score.fn += 1
                score.errors.append(f"FN {name}: {text[span[0] : span[1]]!r}")
        for match, span in zip(matches, found, strict=True):
            if not any(_overlaps(span, e) for e in spans):
                score.fp += 1
                score.errors.append(f"FP {name}: {match.text!r} {match.rule_id}")
    for sentence, typed, right in SLIPS:
        score.slips += 1
        start = sentence.find(typed)
        match = next(
            (
                m
                for m in validator.check_spelling(sentence).matches
                if m.offset <= start < m.offset + m.length
            ),
            None,
        )
        replacements = list(match.replacements) if match else []
        if replacements[:1] == [right]:
            score.first += 1
        if right in replacements[:3]:
            score.top3 += 1
        else:
            score.errors.append(f"SUGGEST {typed!r}: {replacements[:3]} (want {right!r})")
    return score


def configurations(engines: list[str]) -> tuple[dict[str, DraftValidator], list[Proofreader]]:
    """Validators for ``<engine>.alone`` and ``<engine>.shipped``; the engines to close afterwards."""
    from desktop_app.adapters.proofreading import (
        EmbeddedProofreader,
        ManagedLanguageToolServer,
        RemoteLanguageToolProofreader,
        find_java,
        installed_languagetool_dir,
    )

    words = default_dictionary_words()
    bare = RulePack([])
    validators: dict[str, DraftValidator] = {}
    opened: list[Proofreader] = []
    if "embedded" in engines:
        alone, shipped = EmbeddedProofreader(rerank=False), EmbeddedProofreader()
        validators["embedded.alone"] = DraftValidator(
            alone, (), rule_pack=bare, vectors=None, accept_proper_names=False, accept_compounds=False
        )
        validators["embedded.shipped"] = DraftValidator(shipped, words, vectors=None)
    if "languagetool" in engines and installed_languagetool_dir() and find_java():
        server = ManagedLanguageToolServer(
            installed_languagetool_dir(), find_java(), spelling_words=lambda: words
        )
        url = server.start()
        alone_lt = RemoteLanguageToolProofreader(url, rerank=False, warm_up=True)
        shipped_lt = RemoteLanguageToolProofreader(url, warm_up=True)
        shipped_lt.close = lambda: (RemoteLanguageToolProofreader.close(shipped_lt), server.stop())  # type: ignore[method-assign]
        validators["languagetool.alone"] = DraftValidator(
            alone_lt, (), rule_pack=bare, vectors=None, accept_proper_names=False, accept_compounds=False
        )
        validators["languagetool.shipped"] = DraftValidator(shipped_lt, words, vectors=None)
        opened += [alone_lt, shipped_lt]
    return validators, opened


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engines", default="embedded,languagetool")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    options = parser.parse_args()
    validators, opened = configurations([e.strip() for e in options.engines.split(",")])
    try:
        for name, validator in validators.items():
            score = evaluate_spelling(validator)
            print(
                f"{name}: recall={score.recall:.3f} precision={score.precision:.3f} "
                f"tp={score.tp} fp={score.fp} fn={score.fn} "
                f"right_first={score.first_rate:.3f} right_in_top3={score.top3_rate:.3f} slips={score.slips}"
            )
            if options.verbose:
                for error in score.errors:
                    print("   ", error)
    finally:
        for engine in opened:
            engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
