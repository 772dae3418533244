"""Where the program finds its bundled resources and keeps user data."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

from desktop_app import APP_NAME


def resources_dir() -> Path:
    """The top-level ``resources/`` folder, in a source checkout or inside a PyInstaller bundle."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        return Path(bundle_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    return config_dir() / "settings.toml"
