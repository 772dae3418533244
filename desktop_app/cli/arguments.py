"""An argparse parser that reports bad arguments in Russian instead of exiting (exit 2 is the caller's)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, NoReturn


class ArgumentError(Exception):
    """A bad command-line argument; ``str()`` is a Russian sentence."""


class RussianArgumentParser(argparse.ArgumentParser):
    """argparse whose errors are raised as :class:`ArgumentError`, its English phrases translated."""

    def __init__(self, *args: Any, translations: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._translations = tuple(translations)

    def error(self, message: str) -> NoReturn:
        for english, russian in self._translations:
            message = message.replace(english, russian)
        raise ArgumentError(message)
