"""Re-ranking of spelling suggestions by how close they are to what was typed (R7 (2)).

Both engines order Russian suggestions by word frequency, so a common slip such as «расмотрено» gets
«досмотрено, насмотрено, посмотрено» before «рассмотрено». Officials' typos are mostly one missing,
extra, doubled or swapped letter: a stable sort by a weighted Damerau–Levenshtein distance puts the
closest word first and keeps the engine's order among equally close ones.
"""

from __future__ import annotations

from collections.abc import Sequence

# A doubled or undoubled letter («расмотрено»/«рассмотрено», «коммисия»/«комиссия») is the most
# frequent slip: cheaper than any other edit. Adjacent swaps and keyboard-neighbour confusions
# (е/ё, и/й, ь/ъ) cost less than an arbitrary substitution.
_DOUBLING = 0.5
_NEAR = 0.6
_NEAR_PAIRS = {frozenset(p) for p in ("её", "ий", "ьъ", "ао", "еи", "ея", "шщ", "зс")}


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def distance(typed: str, suggestion: str) -> float:
    """Weighted Damerau–Levenshtein distance between two words (case- and ё-insensitive)."""
    a, b = _fold(typed), _fold(suggestion)
    rows, cols = len(a) + 1, len(b) + 1
    d = [[0.0] * cols for _ in range(rows)]
    for i in range(rows):
        d[i][0] = float(i)
    for j in range(cols):
        d[0][j] = float(j)
    for i in range(1, rows):
        for j in range(1, cols):
            if a[i - 1] == b[j - 1]:
                d[i][j] = d[i - 1][j - 1]
                continue
            # Deleting a[i-1] that doubles its neighbour, or inserting b[j-1] that doubles its neighbour.
            delete = (
                _DOUBLING if (i > 1 and a[i - 2] == a[i - 1]) or (i < len(a) and a[i] == a[i - 1]) else 1.0
            )
            insert = (
                _DOUBLING if (j > 1 and b[j - 2] == b[j - 1]) or (j < len(b) and b[j] == b[j - 1]) else 1.0
            )
            substitute = _NEAR if frozenset((a[i - 1], b[j - 1])) in _NEAR_PAIRS else 1.0
            d[i][j] = min(d[i - 1][j] + delete, d[i][j - 1] + insert, d[i - 1][j - 1] + substitute)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + _NEAR)
    return d[-1][-1]


def rank_replacements(typed: str, replacements: Sequence[str]) -> tuple[str, ...]:
    """``replacements`` re-ordered closest first; ties keep the engine's order."""
    if len(replacements) < 2 or not typed:
        return tuple(replacements)
    order = sorted(range(len(replacements)), key=lambda i: (distance(typed, replacements[i]), i))
    return tuple(replacements[i] for i in order)
