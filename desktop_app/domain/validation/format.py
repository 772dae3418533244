"""Per-platform format rules (R10): length limits, plain text, no letterhead, attachments."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.domain.validation import texts
from desktop_app.domain.validation.language import load_json
from desktop_app.domain.validation.proofreading import utf16_length
from desktop_app.domain.validation.report import Issue
from desktop_app.errors import OtklikError


class UnknownPlatformError(OtklikError):
    """The platform code is not in ``platforms.json``."""


@dataclass(frozen=True)
class PlatformRules:
    code: str
    title: str
    max_chars: int | None
    length_unit: str  # "utf16" or "codepoints"
    attachments: frozenset[str]
    max_attachments: int
    caption_max_chars: int | None = None

    def length(self, text: str) -> int:
        return utf16_length(text) if self.length_unit == "utf16" else len(text)


def load_platforms(data: Mapping[str, Any] | None = None) -> dict[str, PlatformRules]:
    raw = (data or load_json("platforms.json"))["platforms"]
    return {
        code: PlatformRules(
            code=code,
            title=item["title"],
            max_chars=item.get("max_chars"),
            length_unit=item.get("length_unit", "codepoints"),
            attachments=frozenset(item.get("attachments", ())),
            max_attachments=int(item.get("max_attachments", 0)),
            caption_max_chars=item.get("caption_max_chars"),
        )
        for code, item in raw.items()
    }


# R10, issue 13: what the platform cannot carry at all blocks publishing; the rest only warns.
HARD_CODES = frozenset(
    {"too_long", "attachments_not_supported", "too_many_attachments", "attachment_kind_not_supported"}
)


def is_hard(issue: Issue) -> bool:
    """A platform limit the answer cannot be posted past (length, attachments the platform refuses)."""
    return issue.code in HARD_CODES


def _compile(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


class FormatChecker:
    """R10: the draft fits the platform and reads as plain, human text."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        data = data or load_json("platforms.json")
        self.platforms = load_platforms(data)
        self._markdown = _compile(data["markup_patterns"]["markdown"])
        self._html = _compile(data["markup_patterns"]["html"])
        self._letterhead = _compile(data["letterhead_patterns"])
        self._legal = _compile(data["legal_citation_patterns"])
        self._attachment_mentions = _compile(data["attachment_mention_patterns"])

    def platform(self, code: str) -> PlatformRules:
        try:
            return self.platforms[code]
        except KeyError:
            known = ", ".join(sorted(self.platforms))
            raise UnknownPlatformError(texts.UNKNOWN_PLATFORM.format(platform=code, known=known)) from None

    def check(
        self, draft: str, platform: str | None = None, attachments: Sequence[str] = ()
    ) -> tuple[Issue, ...]:
        rules = self.platform(platform) if platform else None
        issues: list[Issue] = []
        if not draft.strip():
            return (Issue("empty", texts.EMPTY_DRAFT),)
        if rules is not None:
            issues.extend(self._check_platform(draft, rules, attachments))
        issues.extend(self._fragments(draft, self._markdown, "markdown_markup", texts.MARKDOWN_MARKUP))
        issues.extend(self._fragments(draft, self._html, "html_markup", texts.HTML_MARKUP))
        issues.extend(self._fragments(draft, self._letterhead, "letterhead", texts.LETTERHEAD))
        issues.extend(self._fragments(draft, self._legal, "legal_citation", texts.LEGAL_CITATION))
        if not attachments:
            issues.extend(
                self._fragments(
                    draft, self._attachment_mentions, "attachment_missing", texts.ATTACHMENT_MISSING
                )
            )
        return tuple(issues)

    def hard_problems(self, draft: str, platform: str | None, attachments: Sequence[str] = ()) -> list[str]:
        """Russian reasons the platform would refuse this text with these attachment kinds (R10).

        An unknown platform has no known hard limits (its soft checks still run in :meth:`check`).
        """
        if not platform or platform not in self.platforms:
            return []
        return [
            i.message
            for i in self._check_platform(draft, self.platforms[platform], attachments)
            if is_hard(i)
        ]

    def _check_platform(self, draft: str, rules: PlatformRules, attachments: Sequence[str]) -> list[Issue]:
        issues: list[Issue] = []
        length = rules.length(draft)
        if rules.max_chars is not None and length > rules.max_chars:
            issues.append(
                Issue(
                    "too_long",
                    texts.TOO_LONG.format(platform=rules.title, length=length, limit=rules.max_chars),
                )
            )
        elif attachments and rules.caption_max_chars is not None and length > rules.caption_max_chars:
            issues.append(
                Issue(
                    "too_long_caption",
                    texts.TOO_LONG_CAPTION.format(
                        platform=rules.title, length=length, limit=rules.caption_max_chars
                    ),
                )
            )
        if attachments:
            if not rules.attachments or rules.max_attachments == 0:
                issues.append(
                    Issue(
                        "attachments_not_supported",
                        texts.ATTACHMENTS_NOT_SUPPORTED.format(platform=rules.title, count=len(attachments)),
                    )
                )
                return issues
            if len(attachments) > rules.max_attachments:
                issues.append(
                    Issue(
                        "too_many_attachments",
                        texts.TOO_MANY_ATTACHMENTS.format(
                            platform=rules.title, limit=rules.max_attachments, count=len(attachments)
                        ),
                    )
                )
            for kind in sorted(set(attachments) - rules.attachments):
                title = texts.ATTACHMENT_KIND_TITLES.get(kind, kind)
                issues.append(
                    Issue(
                        "attachment_kind_not_supported",
                        texts.ATTACHMENT_KIND_NOT_SUPPORTED.format(platform=rules.title, kind=title),
                    )
                )
        return issues

    @staticmethod
    def _fragments(draft: str, patterns: Sequence[re.Pattern[str]], code: str, template: str) -> list[Issue]:
        issues: list[Issue] = []
        spans: list[tuple[int, int]] = []
        for pattern in patterns:
            for found in pattern.finditer(draft):
                if any(found.start() < end and start < found.end() for start, end in spans):
                    continue  # two patterns matched the same fragment: report it once
                spans.append((found.start(), found.end()))
                issues.append(
                    Issue(
                        code,
                        template.format(fragment=found.group(0).strip()),
                        offset=found.start(),
                        length=found.end() - found.start(),
                    )
                )
        return issues
