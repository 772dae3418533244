"""The embedded engine's memoisation must not change a single match (compared with plain pylat-ru)."""

from __future__ import annotations

import json
import subprocess
import sys

from desktop_app.adapters.proofreading.embedded import EmbeddedProofreader

TEXT = (
    "Здравствуйте, Мария! Ремонт дороги на улице Коммунаров запланирован на июнь. "
    "В течении этого времени движение будет ограничено, обьезд организуют по улице Пушкина. "
    "Ямы у дома 5 засыпят щебнем уже на этой неделе чтобы машины не повреждали подвеску."
)

PLAIN = """
import json, sys
from pylat_ru import LanguageToolRU
matches = LanguageToolRU().check(sys.stdin.read())
print(json.dumps(sorted([m.offset, m.length, str(m.rule_id)] for m in matches)))
"""


def test_memoised_engine_finds_exactly_what_plain_pylat_finds() -> None:
    plain = subprocess.run(
        [sys.executable, "-c", PLAIN], input=TEXT, capture_output=True, text=True, timeout=120, check=True
    )
    expected = json.loads(plain.stdout)
    engine = EmbeddedProofreader(sentence_cache=False)
    found = sorted([m.offset, m.length, m.rule_id] for m in engine.proofread(TEXT).matches)
    assert found == expected
    assert any(rule for _offset, _length, rule in found)  # the text has errors: the comparison is not vacuous
