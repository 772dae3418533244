"""Data-driven rule pack for official-style errors engines miss (R7, point 2).

Rules come from ``resources/validation/rule_pack.json``: sequences of token specs over razdel
tokens, matched by form regex, pymorphy3 lemma and grammemes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.domain.validation.language import Token, fold, lemma, load_json, parses, tokenize
from desktop_app.domain.validation.report import SpellingMatch

_PLACEHOLDER = re.compile(r"\{(\d+)(?::(\w+))?\}")


@dataclass(frozen=True)
class TokenSpec:
    form: re.Pattern[str] | None = None
    lemmas: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    not_tags: frozenset[str] = frozenset()
    name: bool = False
    capitalized: bool = False
    optional: bool = False

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> TokenSpec:
        return cls(
            form=re.compile(data["form"], re.IGNORECASE) if "form" in data else None,
            lemmas=frozenset(fold(x) for x in data.get("lemma", ())),
            tags=frozenset(data.get("tags", ())),
            not_tags=frozenset(data.get("not_tags", ())),
            name=bool(data.get("name", False)),
            capitalized=bool(data.get("capitalized", False)),
            optional=bool(data.get("optional", False)),
        )

    def matches(self, token: Token) -> bool:
        text = token.text
        if self.form is not None and not self.form.fullmatch(text):
            return False
        if self.capitalized and not text[:1].isupper():
            return False
        if self.form is None and not token.is_word:
            return False
        if self.lemmas and not ({fold(p.normal_form) for p in parses(text)} & self.lemmas):
            return False
        if self.tags or self.not_tags or self.name:
            tagsets = [set(p.tag.grammemes) for p in parses(text)]
            if self.tags and not any(self.tags <= t for t in tagsets):
                return False
            if self.not_tags and any(self.not_tags & t for t in tagsets):
                return False
            if self.name and not any("Name" in t for t in tagsets):
                return False
        return True


@dataclass(frozen=True)
class Pattern:
    tokens: tuple[TokenSpec, ...]
    mark: tuple[int, int]
    replacement: str
    prev_not_lemma: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    rule_id: str
    message: str
    patterns: tuple[Pattern, ...]


def _inflect(word: str, case: str) -> str:
    """Inflect ``word`` to grammatical ``case`` keeping number; keep the original on failure."""
    # Rule-pack slots hold genitive/dative objects of prepositions: prefer oblique-case readings.
    ordered = sorted(parses(word), key=lambda p: "nomn" in p.tag.grammemes)
    for parse in ordered:
        inflected = parse.inflect({case})
        if inflected is not None:
            result = inflected.word
            return result[:1].upper() + result[1:] if word[:1].isupper() else result
    return word


class RulePack:
    """Official-style rules (ids like ``OTKLIK_V_TECHENIE``) applied on top of any engine."""

    def __init__(self, rules: Sequence[Rule], ignored_engine_rules: Iterable[str] = ()) -> None:
        self.rules = tuple(rules)
        self.ignored_engine_rules = frozenset(ignored_engine_rules)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RulePack:
        rules = []
        for raw in data["rules"]:
            patterns = tuple(
                Pattern(
                    tokens=tuple(TokenSpec.from_data(t) for t in p["tokens"]),
                    mark=(int(p["mark"][0]), int(p["mark"][1])),
                    replacement=p.get("replacement", ""),
                    prev_not_lemma=frozenset(fold(x) for x in p.get("prev_not_lemma", ())),
                )
                for p in raw["patterns"]
            )
            rules.append(Rule(raw["id"], raw["message"], patterns))
        return cls(rules, data.get("ignored_engine_rules", ()))

    @classmethod
    def default(cls) -> RulePack:
        return cls.from_data(load_json("rule_pack.json"))

    def check(self, text: str, tokens: Sequence[Token] | None = None) -> list[SpellingMatch]:
        """All rule-pack findings in ``text``, at most one per rule and start position."""
        tokens = list(tokens) if tokens is not None else tokenize(text)
        found: dict[tuple[str, int], SpellingMatch] = {}
        for rule in self.rules:
            for pattern in rule.patterns:
                for start in range(len(tokens)):
                    if (rule.rule_id, tokens[start].start) in found:
                        continue
                    matched = _match_at(pattern, tokens, start)
                    if matched is None:
                        continue
                    first, last = matched[pattern.mark[0]], matched[pattern.mark[1] - 1]
                    offset, end = first.start, last.stop
                    found[(rule.rule_id, offset)] = SpellingMatch(
                        offset=offset,
                        length=end - offset,
                        text=text[offset:end],
                        rule_id=rule.rule_id,
                        message=rule.message,
                        replacements=_replacement(pattern.replacement, matched, text[offset:end]),
                        source="rule_pack",
                        category="OTKLIK_STYLE",
                    )
        return sorted(found.values(), key=lambda m: (m.offset, m.rule_id))


def _match_at(pattern: Pattern, tokens: Sequence[Token], start: int) -> list[Token] | None:
    """Match ``pattern`` at token ``start``; returns one entry per spec (optional misses repeat)."""
    if pattern.prev_not_lemma and start > 0:
        previous = [t for t in tokens[max(0, start - 3) : start] if t.is_word]
        if previous and fold(lemma(previous[-1].text)) in pattern.prev_not_lemma:
            return None
    matched: list[Token] = []
    position = start
    for spec in pattern.tokens:
        if position < len(tokens) and spec.matches(tokens[position]):
            matched.append(tokens[position])
            position += 1
        elif spec.optional:
            matched.append(tokens[position - 1] if position > start else tokens[start])
        else:
            return None
    return matched


def _replacement(template: str, matched: Sequence[Token], original: str) -> tuple[str, ...]:
    if not template:
        return ()

    def substitute(found: re.Match[str]) -> str:
        word = matched[int(found.group(1))].text
        return _inflect(word, found.group(2)) if found.group(2) else word

    result = _PLACEHOLDER.sub(substitute, template)
    if original[:1].isupper() and result[:1].islower():
        result = result[:1].upper() + result[1:]
    return (result,)
