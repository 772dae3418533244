"""Proofreading engines behind :class:`desktop_app.domain.validation.Proofreader` (R7 (2))."""

from desktop_app.adapters.proofreading.embedded import EmbeddedProofreader
from desktop_app.adapters.proofreading.factory import FallbackProofreader, create_proofreader
from desktop_app.adapters.proofreading.languagetool import (
    RemoteLanguageToolProofreader,
    is_public_service,
    probe_server,
)
from desktop_app.adapters.proofreading.managed import ManagedLanguageToolServer, free_port

__all__ = [
    "EmbeddedProofreader",
    "FallbackProofreader",
    "ManagedLanguageToolServer",
    "RemoteLanguageToolProofreader",
    "create_proofreader",
    "free_port",
    "is_public_service",
    "probe_server",
]
