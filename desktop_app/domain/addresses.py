"""Street addresses named in citizens' posts: the key repeat complaints are counted by (R2, R11).

Pure text work, kept in the domain so the record can store each message's key when its text is
written (``Message.address_key``) and the dashboard never parses 100,000 texts per report.
"""

from __future__ import annotations

import re

_ADDRESS = re.compile(
    r"\b(?P<kind>ул(?:иц[аеуы]|\.)|пр(?:оспект[аеу]?|осп\.|-т)|пер(?:еул(?:ок|ке|ка|ку)|\.)|"
    r"бульвар[аеу]?|б-р|шоссе|площад[иь]|пл\.|мкр\.?|микрорайон[аеу]?)\s*"
    r"(?P<name>[А-ЯЁ0-9][А-Яа-яЁё0-9\-]+(?:\s+[А-ЯЁ][а-яё\-]+)?)"
    r"(?:,?\s*(?:д(?:ом[аеу]?|\.)?\s*)?(?P<house>\d+[а-я]?)\b)?",
)
_KIND = {
    "ул": "ул",
    "пр": "пр",
    "пе": "пер",
    "бу": "б-р",
    "б-": "б-р",
    "шо": "ш",
    "пл": "пл",
    "мк": "мкр",
    "ми": "мкр",
}


def address_key(text: str) -> str | None:
    """A normalised street address named in a message («ул. Мира, 5» and «улице Мира д. 5» agree)."""
    match = _ADDRESS.search(text)
    if match is None:
        return None
    kind = _KIND.get(match["kind"][:2].lower(), match["kind"][:2].lower())
    house = match["house"] or ""
    return f"{kind} {match['name'].lower()} {house}".strip()
