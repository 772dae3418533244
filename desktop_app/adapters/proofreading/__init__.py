"""Proofreading engines behind :class:`desktop_app.domain.validation.Proofreader` (R7 (2))."""

from desktop_app.adapters.proofreading.embedded import EmbeddedProofreader
from desktop_app.adapters.proofreading.factory import (
    ENGINES,
    FallbackProofreader,
    ManagedLanguageToolProofreader,
    create_proofreader,
    installed_languagetool_dir,
)
from desktop_app.adapters.proofreading.languagetool import (
    RemoteLanguageToolProofreader,
    is_public_service,
    probe_server,
)
from desktop_app.adapters.proofreading.managed import (
    ManagedLanguageToolServer,
    find_java,
    free_port,
    languagetool_classpath,
    process_rss_mib,
)
from desktop_app.adapters.proofreading.suggestions import rank_replacements

__all__ = [
    "ENGINES",
    "EmbeddedProofreader",
    "FallbackProofreader",
    "ManagedLanguageToolProofreader",
    "ManagedLanguageToolServer",
    "RemoteLanguageToolProofreader",
    "create_proofreader",
    "find_java",
    "free_port",
    "installed_languagetool_dir",
    "is_public_service",
    "languagetool_classpath",
    "probe_server",
    "process_rss_mib",
    "rank_replacements",
]
