"""Fast checks of the installer sources (no bundle is built here; installer/ci-check.sh does that)."""

from __future__ import annotations

import configparser
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_spec_bundles_the_data_folders_and_entry_point():
    spec = (INSTALLER / "otklik.spec").read_text(encoding="utf-8")
    for needle in (
        '"resources"',
        '"desktop_app" / "migrations"',
        '"desktop_app/migrations"',
        'collect_data_files("pylat_ru")',
        'collect_data_files("natasha")',
        'collect_data_files("tzdata")',
        'collect_data_files("razdel")',
        '"pymorphy3_dicts_ru"',
        "collect_submodules(",
        '"desktop_app"',
        '"languagetool"',
        '"jre"',
        "bundle-manifest.json",
    ):
        assert needle in spec, needle
    entry = (INSTALLER / "otklik_entry.py").read_text(encoding="utf-8")
    assert "from desktop_app.cli import main" in entry


def test_spec_keeps_only_the_qt_modules_the_app_imports():
    spec = (INSTALLER / "otklik.spec").read_text(encoding="utf-8")
    used = set(re.findall(r'"(Qt\w+)"', spec.split("QT_MODULES_USED =")[1].split("\n")[0]))
    assert used == {"QtCore", "QtGui", "QtWidgets"}
    imported = set()
    for path in (ROOT / "desktop_app").rglob("*.py"):
        imported |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert imported <= used, f"the app imports Qt modules the bundle excludes: {imported - used}"
    excluded = spec.split("QT_MODULES_EXCLUDED = [")[1].split("]")[0]
    for name in ("QtWebEngineCore", "Qt3DCore", "QtQuick", "QtQml", "QtMultimedia", "QtNetwork"):
        assert f'"{name}"' in excluded


def test_migrations_folder_exists_where_the_spec_expects_it():
    assert (ROOT / "desktop_app" / "migrations" / "env.py").is_file()
    assert list((ROOT / "desktop_app" / "migrations" / "versions").glob("*.py"))
    for folder in ("calendars", "validation", "routing", "demo"):
        assert (ROOT / "resources" / folder).is_dir(), folder


def test_desktop_entry_is_valid():
    path = INSTALLER / "debian" / "otklik.desktop"
    parser = configparser.RawConfigParser()
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "otklik"
    assert entry["Icon"] == "otklik"
    assert entry["Name[ru]"] == "Отклик"
    assert entry["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(
            ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_control_file_is_valid():
    text = (INSTALLER / "debian" / "control.in").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", text, re.MULTILINE))
    for field in ("Package", "Version", "Architecture", "Maintainer", "Depends", "Description"):
        assert field in fields, field
    assert fields["Package"] == "otklik" and fields["Architecture"] == "amd64"
    depends = {d.strip() for d in fields["Depends"].split(",")}
    assert depends == {
        "libgl1",
        "libegl1",
        "libxcb1",
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxcb-shape0",
        "libxkbcommon0",
        "libxkbcommon-x11-0",
        "libfontconfig1",
        "libdbus-1-3",
        "libglib2.0-0",
    }
    for line in text.split("Description:", 1)[1].splitlines()[1:]:
        assert line.startswith(" "), f"continuation lines of Description start with a space: {line!r}"
    assert "GPL-3.0-only" in (INSTALLER / "debian" / "copyright.in").read_text(encoding="utf-8")


def test_inno_setup_script_is_per_user_with_fixed_app_id():
    text = (INSTALLER / "otklik.iss").read_text(encoding="utf-8-sig")
    assert re.search(
        r"^AppId=\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$", text, re.M
    )
    assert re.search(r"^PrivilegesRequired=lowest$", text, re.M)
    assert "compiler:Languages\\Russian.isl" in text
    assert (INSTALLER / "otklik.iss").read_bytes().startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for ISCC"


def test_shell_scripts_are_strict():
    for path in INSTALLER.glob("*.sh"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#!/usr/bin/env bash"), path.name
        assert "set -euo pipefail" in text, path.name
        if shutil.which("bash"):
            subprocess.run(["bash", "-n", str(path)], check=True)


def test_notices_cover_every_runtime_distribution(tmp_path):
    collect = _load("otklik_collect_licenses", INSTALLER / "collect_licenses.py")
    closure = collect.dependency_closure()
    if not closure:
        pytest.skip("the otklik distribution is not installed in this environment")
    assert collect.main(["--out", str(tmp_path)]) == 0

    index = json.loads((tmp_path / "licenses" / "index.json").read_text(encoding="utf-8"))
    covered = {entry["name"]: entry for entry in index["distributions"]}
    for name in closure:
        assert name in covered, name
        assert covered[name]["files"], f"{name}: no licence text"
    for name in ("pyside6-essentials", "psycopg", "pylat-ru", "pymorphy3-dicts-ru", "python", "otklik"):
        if name in covered or name in ("python", "otklik"):
            assert covered[name]["files"], name
    notices = (tmp_path / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    assert "pyside6-essentials" in notices and "LGPL-3.0" in notices


def test_closure_follows_extras_and_markers():
    collect = _load("otklik_collect_licenses", INSTALLER / "collect_licenses.py")
    assert collect._requirement_parts("psycopg[binary]>=3.1,<4") == ("psycopg", {"binary"}, "")
    assert collect._marker_holds('extra == "binary"', {"binary"})
    assert not collect._marker_holds('extra == "test"', {"binary"})
    assert collect.assess("x", "MIT") == "ok"
    assert collect.assess("pymorphy3-dicts-ru", "MIT") != "ok"
