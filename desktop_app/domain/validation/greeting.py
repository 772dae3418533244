"""Greeting check (R7, point 1): the draft opens with a greeting addressed to the author."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop_app.domain.validation import texts
from desktop_app.domain.validation.language import fold, load_json, parses
from desktop_app.domain.validation.report import Issue

_CYRILLIC_WORD = re.compile(r"[А-ЯЁа-яё][А-ЯЁа-яё-]*")
_LETTERHEAD_LINES = re.compile(r"\A(?:(?:исх|вх|на ваш)\b[^\n]*\n\s*)+", re.IGNORECASE)
_ADDRESS_END = re.compile(r"[,!.?;:\n]")


@dataclass(frozen=True)
class AuthorName:
    """What a social-profile name tells about addressing the author."""

    first: str | None = None
    patronymic: str | None = None
    surname: str | None = None
    gender: str | None = None  # "masc", "femn" or None when unknown / either


class NameBook:
    """Equivalent first names (Саша ~ Александр) and their genders, from ``names.json``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._groups: dict[str, set[int]] = {}
        self._genders: dict[str, set[str]] = {}
        for index, group in enumerate(data["groups"]):
            for name in group["names"]:
                key = fold(name)
                self._groups.setdefault(key, set()).add(index)
                self._genders.setdefault(key, set()).add(group["gender"])

    def known(self, name: str) -> bool:
        return fold(name) in self._groups

    def equivalent(self, a: str, b: str) -> bool:
        if fold(a) == fold(b):
            return True
        return bool(self._groups.get(fold(a), set()) & self._groups.get(fold(b), set()))

    def gender(self, name: str) -> str | None:
        """``masc``/``femn``; None when the name fits both (Саша, Женя) or is unknown."""
        genders = set(self._genders.get(fold(name), set()))
        if not genders:
            for parse in parses(name):
                grammemes = set(parse.tag.grammemes)
                if "Name" in grammemes and "nomn" in grammemes and "sing" in grammemes:
                    genders |= grammemes & {"masc", "femn", "ms-f"}
        if "ms-f" in genders or len(genders) != 1:
            return None
        return next(iter(genders))


def _is_first_name(word: str, names: NameBook) -> bool:
    if names.known(word):
        return True
    return any({"Name", "sing", "nomn"} <= set(p.tag.grammemes) and p.score >= 0.3 for p in parses(word))


def _is_patronymic(word: str) -> bool:
    return any("Patr" in p.tag.grammemes for p in parses(word))


def parse_author_name(profile_name: str | None, names: NameBook) -> AuthorName:
    """Read a profile name: «Иван Петров», «Мария», «Ольга Сергеевна К.»; nicknames give no name."""
    if not profile_name or not profile_name.strip():
        return AuthorName()
    words = profile_name.split()
    if not _CYRILLIC_WORD.fullmatch(words[0].rstrip(".")):
        return AuthorName()  # a nickname such as «kot_vasya»: a greeting without a name is fine
    cleaned = [w.rstrip(".,") for w in words if _CYRILLIC_WORD.fullmatch(w.rstrip(".,"))]
    cleaned = [w for w in cleaned if len(w) > 1]  # drop initials («К.»)
    first = next((w for w in cleaned if _is_first_name(w, names)), None)
    if first is None and cleaned and cleaned[0][:1].isupper():
        first = cleaned[0]
    patronymic = next((w for w in cleaned if w != first and _is_patronymic(w)), None)
    surname = next((w for w in cleaned if w not in (first, patronymic)), None)
    return AuthorName(first, patronymic, surname, names.gender(first) if first else None)


@dataclass(frozen=True)
class _Address:
    address_word: str | None
    names: tuple[str, ...]


class GreetingChecker:
    """R7 (1): greeting present, capitalised, comma before the name, name and gender match."""

    def __init__(self, greetings: Mapping[str, Any] | None = None, names: NameBook | None = None) -> None:
        data = greetings or load_json("greetings.json")
        phrases = sorted(data["greetings"], key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
        self._greeting_re = re.compile(rf"(?P<g>{alternatives})(?![А-Яа-яЁё])", re.IGNORECASE)
        self._address_words = {fold(w): g for g, ws in data["address_words"].items() for w in ws}
        self._address_by_gender = {g: ws[0] for g, ws in data["address_words"].items()}
        self.names = names or NameBook(load_json("names.json"))

    def opens_with_greeting(self, text: str) -> bool:
        """Whether ``text`` begins with one of the greetings (greetings.json), after any letterhead."""
        return self._greeting_re.match(_LETTERHEAD_LINES.sub("", text.lstrip()).lstrip()) is not None

    def check(self, draft: str, author_name: str | None = None) -> tuple[Issue, ...]:
        author = parse_author_name(author_name, self.names)
        text = _LETTERHEAD_LINES.sub("", draft.lstrip()).lstrip()  # «Исх. №» is a format issue (R10)
        found = self._greeting_re.match(text)
        if found is None:
            if text and fold(_first_word(text)) in self._address_words:
                # «Уважаемая Мария!» opens the answer: an address is a greeting too.
                return tuple(self._check_address(text, 0, author, greeting="Здравствуйте"))
            if self._name_then_greeting(text, author):
                # «Диана, здравствуйте!»: the name first, then the greeting (in lower case after the comma)
                # — a usual Russian opening; the name is still checked like any other (R7 (1)).
                return tuple(self._check_address(text, 0, author, greeting="Здравствуйте"))
            return (Issue("missing_greeting", texts.MISSING_GREETING),)
        issues: list[Issue] = []
        greeting = found.group("g")
        if greeting[:1].islower():
            expected = greeting[:1].upper() + greeting[1:]
            issues.append(Issue("lowercase_greeting", texts.LOWERCASE_GREETING.format(expected=expected)))
        issues.extend(self._check_address(text, found.end(), author, greeting=greeting))
        return tuple(issues)

    def _name_then_greeting(self, text: str, author: AuthorName) -> bool:
        """«Мария, добрый день!», «Мария Ивановна, здравствуйте»: a name, a comma, then a greeting.

        Only a real name counts (a first name, or the author's own): «Спасибо, здравствуйте» or «Ваше
        обращение, добрый день» open with no address and stay a missing greeting."""
        head = re.match(r"([^,!.?;:\n]{2,60}),[ \t]*", text)
        if head is None or self._greeting_re.match(text, head.end()) is None:
            return False
        address = self._parse_address(head.group(1))
        words = head.group(1).split()
        if not address.names or len(address.names) + bool(address.address_word) != len(words):
            return False
        first = address.names[0]
        return _is_first_name(first, self.names) or bool(
            author.first and self.names.equivalent(first, author.first)
        )

    def _check_address(self, text: str, position: int, author: AuthorName, greeting: str) -> list[Issue]:
        issues: list[Issue] = []
        rest = text[position:]
        stripped = rest.lstrip(" \t")
        display_greeting = greeting[:1].upper() + greeting[1:]
        if position > 0 and stripped[:1] == ",":
            segment = stripped[1:]
        elif position > 0 and stripped[:1].isalpha():
            segment = stripped
            address = self._parse_address(segment)
            if address.names or address.address_word:
                shown = " ".join(filter(None, [address.address_word, *address.names]))
                expected = f"{display_greeting}, {shown}"
                issues.append(Issue("missing_comma", texts.MISSING_COMMA.format(expected=expected)))
            else:
                segment = ""
        elif position == 0:
            segment = text
        else:
            # «Здравствуйте!» then maybe «Мария, …» opening the next sentence.
            segment = re.sub(r"^[!.\s]+", "", stripped)
            follow = self._parse_address(segment)
            if not (follow.names and segment[len(follow.names[0]) :].lstrip().startswith(",")):
                segment = ""
        address = self._parse_address(segment)
        if not address.names:
            if author.first:
                issues.append(Issue("missing_name", texts.MISSING_NAME.format(name=author.first)))
            return issues
        name = address.names[0]
        if name[:1].islower():
            expected = name[:1].upper() + name[1:]
            issues.append(Issue("lowercase_name", texts.LOWERCASE_NAME.format(expected=expected)))
        if author.first and not self.names.equivalent(name, author.first):
            issues.append(
                Issue("name_mismatch", texts.NAME_MISMATCH.format(found=name, expected=author.first))
            )
        if (
            author.patronymic
            and len(address.names) > 1
            and _is_patronymic(address.names[1])
            and fold(address.names[1]) != fold(author.patronymic)
        ):
            issues.append(
                Issue(
                    "name_mismatch",
                    texts.PATRONYMIC_MISMATCH.format(found=address.names[1], expected=author.patronymic),
                )
            )
        if address.address_word:
            issues.extend(self._check_gender(address.address_word, name, author))
        return issues

    def _check_gender(self, address_word: str, name: str, author: AuthorName) -> list[Issue]:
        said = self._address_words.get(fold(address_word))
        gender = self.names.gender(name)
        if gender is None and self.names.equivalent(name, author.first or ""):
            gender = author.gender
        if gender is None or said == gender:
            return []
        expected = self._address_by_gender.get(gender, address_word)
        expected = expected[:1].upper() + expected[1:] if address_word[:1].isupper() else expected
        return [
            Issue(
                "gender_mismatch",
                texts.GENDER_MISMATCH.format(address=address_word, name=name, expected=f"{expected} {name}"),
            )
        ]

    def _parse_address(self, segment: str) -> _Address:
        """Words up to the first punctuation: optional «уважаемый/ая», then name words."""
        end = _ADDRESS_END.search(segment)
        words = (segment[: end.start()] if end else segment).split()[:4]
        address_word = None
        if words and fold(words[0]) in self._address_words:
            address_word = words.pop(0)
        names: list[str] = []
        for word in words:
            if not _CYRILLIC_WORD.fullmatch(word):
                break
            if not names and not (_is_first_name(word, self.names) or word[:1].isupper()):
                break
            if names and not (word[:1].isupper() or _is_patronymic(word)):
                break
            names.append(word)
        return _Address(address_word, tuple(names))


def _first_word(text: str) -> str:
    found = _CYRILLIC_WORD.match(text)
    return found.group(0) if found else ""
