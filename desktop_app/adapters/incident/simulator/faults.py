"""Fault-injection spec of the simulator: ``latency=200ms,error5xx=0.2,timeout=0.1,drop_after_accept=0.1``.

Grammar (whitespace ignored, items in any order, each name at most once)::

    SPEC     := "" | "none" | ITEM ("," ITEM)*
    ITEM     := NAME "=" VALUE
    latency  = DURATION   delay before every API response
    hang     = DURATION   how long "timeout"/"hang_after_accept" sleep (default 30s)
    error5xx = P          answer 503 without doing anything
    error429 = P          answer 429 (Retry-After: 1) without doing anything
    timeout  = P          sleep ``hang`` before doing anything (the client times out, nothing stored)
    drop_after_accept = P POST only: store the action, then close the connection without a response
    hang_after_accept = P POST only: store the action, then sleep ``hang`` before answering
    malformed_success = P POST only: store the action, then answer 201 with an unusable body
    orphan_reply      = P feed: a new message's reply is fed before the message itself
    bad_item          = P feed: a malformed item (naive or impossible time, author a string, ...)
    slow_body         = P GET: the response body goes out one byte a second
    DURATION := NUMBER ("ms" | "s")      P := probability from 0 to 1
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from desktop_app.errors import OtklikError


class FaultSpecError(OtklikError):
    """The fault spec cannot be parsed; the message names the bad part."""


@dataclass(frozen=True)
class FaultSpec:
    latency: float = 0.0  # seconds
    hang: float = 30.0  # seconds
    error5xx: float = 0.0
    error429: float = 0.0
    timeout: float = 0.0
    drop_after_accept: float = 0.0
    hang_after_accept: float = 0.0
    malformed_success: float = 0.0
    orphan_reply: float = 0.0
    bad_item: float = 0.0
    slow_body: float = 0.0

    @property
    def any(self) -> bool:
        return self != FaultSpec()

    def describe(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(FaultSpec(), f.name):
                parts.append(f"{f.name}={value:g}s" if f.name in _DURATIONS else f"{f.name}={value:g}")
        return ",".join(parts) or "none"


_DURATIONS = ("latency", "hang")
_PROBABILITIES = (
    "error5xx",
    "error429",
    "timeout",
    "drop_after_accept",
    "hang_after_accept",
    "malformed_success",
    "orphan_reply",
    "bad_item",
    "slow_body",
)
_DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")


def parse_faults(spec: str | None) -> FaultSpec:
    """Parse a fault spec; raise :class:`FaultSpecError` with a Russian message on any error."""
    text = (spec or "").replace(" ", "").strip()
    if text in ("", "none"):
        return FaultSpec()
    values: dict[str, float] = {}
    for item in text.split(","):
        if "=" not in item:
            raise FaultSpecError(f"Неверный элемент «{item}» в описании сбоев: ожидается ИМЯ=ЗНАЧЕНИЕ.")
        name, raw = item.split("=", 1)
        if name in values:
            raise FaultSpecError(f"Сбой «{name}» указан в описании дважды.")
        if name in _DURATIONS:
            match = _DURATION_RE.match(raw)
            if not match:
                raise FaultSpecError(
                    f"Неверная длительность «{raw}» для «{name}»: укажите, например, 200ms или 1.5s."
                )
            number = float(match.group(1))
            values[name] = number / 1000 if match.group(2) == "ms" else number
        elif name in _PROBABILITIES:
            try:
                probability = float(raw)
            except ValueError:
                probability = -1.0
            if not 0.0 <= probability <= 1.0:
                raise FaultSpecError(f"Неверная вероятность «{raw}» для «{name}»: нужно число от 0 до 1.")
            values[name] = probability
        else:
            known = ", ".join(_DURATIONS + _PROBABILITIES)
            raise FaultSpecError(f"Неизвестный вид сбоя «{name}». Допустимые: {known}.")
    return FaultSpec(**values)
