"""Collect the licence and notice files of everything bundled with Отклик, and write THIRD-PARTY-NOTICES.txt.

Usage:
    python installer/collect_licenses.py --out DIR [--manifest build/pyinstaller/otklik/bundle-manifest.json]
                                         [--languagetool DIR] [--java DIR]

Python distributions: the runtime dependency closure of the ``otklik`` distribution (importlib.metadata,
markers evaluated for this platform, extras followed), plus every distribution that owns a module the
PyInstaller manifest lists. Each gets ``DIR/licenses/<name>-<version>/`` with its licence files; a
distribution that ships none gets the text its metadata names, from a short built-in table. Host libraries
that PyInstaller copied in (Linux) get their Debian copyright file. Writes ``DIR/licenses/index.json``
(what was found, for tests and CI) and ``DIR/THIRD-PARTY-NOTICES.txt``. Exit code 1 when some bundled
distribution has no licence text at all.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

PROJECT = "otklik"
LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS|COPYRIGHT)[^/]*$", re.IGNORECASE)
COMMON_LICENSES = Path("/usr/share/common-licenses")

# Distributions whose wheels ship no licence file: (SPDX id, copyright line, upstream).
KNOWN_WITHOUT_FILES = {
    "pyside6-essentials": ("LGPL-3.0-only", "Copyright (C) The Qt Company Ltd.", "https://pyside.org"),
    "shiboken6": ("LGPL-3.0-only", "Copyright (C) The Qt Company Ltd.", "https://pyside.org"),
    "pymorphy3-dicts-ru": (
        "MIT",
        "Copyright (c) Mikhail Korobov and pymorphy3 contributors; dictionary data from OpenCorpora "
        "(https://opencorpora.org), CC BY-SA 3.0",
        "https://github.com/no-plagiarism/pymorphy3-dicts",
    ),
    "pymorphy2": ("MIT", "Copyright (c) 2012 Mikhail Korobov", "https://github.com/pymorphy2/pymorphy2"),
    "pymorphy2-dicts-ru": (
        "MIT",
        "Copyright (c) Mikhail Korobov; dictionary data from OpenCorpora (https://opencorpora.org), CC BY-SA 3.0",
        "https://github.com/kmike/pymorphy2-dicts",
    ),
    "dawg-python": ("MIT", "Copyright (c) 2012 Mikhail Korobov", "https://github.com/pytries/DAWG-Python"),
}

# Licences and their standing next to GPL-3.0-only (the program's licence) when combined in one bundle.
GPL3_COMPATIBLE = (
    "MIT",
    "MIT-0",
    "BSD",
    "0BSD",
    "ISC",
    "Apache",
    "PSF",
    "Python",
    "LGPL",
    "GPL-3",
    "GPLv3",
    "MPL-2.0",
    "Zlib",
    "CC0",
    "Unlicense",
    "Public Domain",
    "HPND",
    "Dual License",
)
REVIEW = {
    "CC BY-SA 3.0": "dictionary data under CC BY-SA 3.0 (not formally GPL-compatible; shipped as separate data, "
    "attribution and share-alike apply to the data)",
    "GPL-2.0-only": "GPL-2.0-only alone is incompatible with GPL-3.0-only",
}

MIT_TEXT = """{copyright}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions
of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
IN THE SOFTWARE.
"""


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_parts(spec: str) -> tuple[str, set[str], str]:
    """``'psycopg[binary]>=3; python_version < "4"'`` → ('psycopg', {'binary'}, 'python_version < "4"')."""
    requirement, _, marker = spec.partition(";")
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[([^\]]*)\])?", requirement)
    if not match:
        return "", set(), ""
    extras = {normalize(extra) for extra in (match.group(3) or "").split(",") if extra.strip()}
    return match.group(1), extras, marker.strip()


def _marker_holds(marker: str, extras: set[str]) -> bool:
    if not marker:
        return True
    try:
        from packaging.markers import Marker
    except ImportError:  # pragma: no cover - packaging is vendored almost everywhere
        return "extra" not in marker
    parsed = Marker(marker)
    if "extra" in marker:
        return any(parsed.evaluate({"extra": extra}) for extra in extras)
    return parsed.evaluate()


def dependency_closure(root: str = PROJECT) -> dict[str, md.Distribution]:
    """Installed runtime dependencies of ``root`` (not ``root`` itself), by normalized name."""
    found: dict[str, md.Distribution] = {}
    queue: list[tuple[str, set[str]]] = [(root, set())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while queue:
        name, extras = queue.pop()
        key = (normalize(name), frozenset(extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        if normalize(name) != normalize(root):
            found[normalize(dist.metadata["Name"])] = dist
        for spec in dist.requires or []:
            dep, dep_extras, marker = _requirement_parts(spec)
            if dep and _marker_holds(marker, extras):
                queue.append((dep, dep_extras))
    return found


def distributions_of_modules(modules: list[str]) -> dict[str, md.Distribution]:
    """Installed distributions that own the top-level packages of the given module names."""
    owners = md.packages_distributions()
    found: dict[str, md.Distribution] = {}
    for top in sorted({module.split(".")[0] for module in modules}):
        for dist_name in owners.get(top, []):
            if normalize(dist_name) == PROJECT:
                continue
            try:
                dist = md.distribution(dist_name)
            except md.PackageNotFoundError:
                continue
            found[normalize(dist.metadata["Name"])] = dist
    return found


def license_of(dist: md.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and text.upper() != "UNKNOWN" and len(text) < 80:
        return text
    classifiers = [
        c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License")
    ]
    known = KNOWN_WITHOUT_FILES.get(normalize(meta["Name"]))
    return " / ".join(classifiers) or (known[0] if known else "UNKNOWN")


def assess(name: str, license_text: str) -> str:
    """'ok' or a short reason to review the licence next to GPL-3.0-only."""
    notes = [reason for key, reason in REVIEW.items() if key in license_text]
    if name in ("pymorphy3-dicts-ru", "pymorphy2-dicts-ru"):
        notes.append(REVIEW["CC BY-SA 3.0"])
    if "GPL-2.0-only" in license_text and "GPL-3.0" in license_text:
        notes = [n for n in notes if "GPL-2.0-only" not in n]  # a choice of licences including GPL-3.0
    if not notes and not any(token.lower() in license_text.lower() for token in GPL3_COMPATIBLE):
        notes.append(f"unrecognised licence {license_text!r}: review")
    return "; ".join(notes) or "ok"


def _copy_common_license(spdx: str, target: Path) -> list[str]:
    names = {"LGPL-3.0-only": ["LGPL-3", "GPL-3"], "GPL-3.0-only": ["GPL-3"], "Apache-2.0": ["Apache-2.0"]}
    copied = []
    for name in names.get(spdx, []):
        source = COMMON_LICENSES / name
        if source.is_file():
            shutil.copyfile(source, target / f"{name}.txt")
            copied.append(f"{name}.txt")
    return copied


def collect_distribution(dist: md.Distribution, out: Path) -> dict:
    name = normalize(dist.metadata["Name"])
    target = out / f"{name}-{dist.version}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    files = []
    for item in dist.files or []:
        path = str(item)
        if ".dist-info/" in path and LICENSE_FILE.search(path):
            relative = path.split(".dist-info/", 1)[1]
            relative = relative.removeprefix("licenses/")
            dest = target / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            source = Path(dist.locate_file(item))
            if source.is_file():
                shutil.copyfile(source, dest)
                files.append(relative)
    license_text = license_of(dist)
    known = KNOWN_WITHOUT_FILES.get(name)
    if not files and known:
        spdx, copyright_line, upstream = known
        if spdx == "MIT":
            (target / "LICENSE").write_text(MIT_TEXT.format(copyright=copyright_line), encoding="utf-8")
            files.append("LICENSE")
        else:
            files += _copy_common_license(spdx, target)
            (target / "NOTICE").write_text(
                f"{copyright_line}\nLicence: {spdx}\nSource: {upstream}\n", "utf-8"
            )
            files.append("NOTICE")
    homepage = dist.metadata.get("Home-page") or ""
    for url in dist.metadata.get_all("Project-URL") or []:
        homepage = homepage or url.split(",", 1)[-1].strip()
    return {
        "name": name,
        "version": dist.version,
        "license": license_text,
        "homepage": homepage,
        "files": sorted(files),
        "gpl3": assess(name, license_text),
    }


def collect_host_libraries(binaries: list[list[str]], out: Path) -> list[dict]:
    """Debian copyright files of host libraries PyInstaller copied from the system (Linux builds)."""
    if not shutil.which("dpkg-query"):
        return []
    entries: dict[str, dict] = {}
    for _dest, source, *_ in binaries:
        if not source.startswith(("/lib", "/usr/lib")):
            continue
        result = subprocess.run(["dpkg-query", "-S", source], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            alt = "/usr" + source if source.startswith("/lib") else source.removeprefix("/usr")
            result = subprocess.run(["dpkg-query", "-S", alt], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            continue
        package = result.stdout.split(":", 1)[0].strip()
        entry = entries.setdefault(package, {"package": package, "libraries": [], "files": []})
        entry["libraries"].append(Path(source).name)
    for package, entry in entries.items():
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False
        ).stdout.strip()
        entry["version"] = version
        if copyright_file.is_file():
            target = out / "debian" / package
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(copyright_file, target / "copyright")
            entry["files"] = ["copyright"]
    return sorted(entries.values(), key=lambda e: e["package"])


def collect_directory(label: str, directory: Path, spdx: str, out: Path) -> dict:
    target = out / label
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if path.is_file() and len(relative.parts) <= 3 and LICENSE_FILE.search(str(relative)):
            dest = target / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            files.append(str(relative))
    return {"name": label, "version": "", "license": spdx, "homepage": "", "files": files, "gpl3": "ok"}


_JAR_LEGAL = re.compile(r"^META-INF/(LICEN[CS]E|NOTICE|COPYING)[^/]*$", re.IGNORECASE)


def collect_languagetool_jars(directory: Path, out: Path) -> dict:
    """The Russian-only LanguageTool of installer/languagetool/pom.xml: a folder of jars.

    LanguageTool itself is LGPL-2.1-or-later (its text from Debian's common licences, as the jars carry
    none); ``THIRD-PARTY.txt`` (license-maven-plugin) names every jar and the licence its pom declares;
    the licence and NOTICE files inside the jars are copied beside it, one folder per jar.
    """
    target = out / "languagetool"
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for name in ("LGPL-2.1", "Apache-2.0"):
        source = COMMON_LICENSES / name
        if source.is_file():
            shutil.copyfile(source, target / f"{name}.txt")
            files.append(f"{name}.txt")
    listing = directory / "THIRD-PARTY.txt"
    if listing.is_file():
        shutil.copyfile(listing, target / "THIRD-PARTY.txt")
        files.append("THIRD-PARTY.txt")
    for jar in sorted(directory.glob("*.jar")):
        try:
            with zipfile.ZipFile(jar) as archive:
                for member in archive.namelist():
                    if _JAR_LEGAL.match(member):
                        dest = target / "jars" / jar.stem / Path(member).name
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        dest.write_bytes(archive.read(member))
        except zipfile.BadZipFile:
            continue
    version = next((j.stem.rsplit("-", 1)[-1] for j in directory.glob("languagetool-core-*.jar")), "")
    return {
        "name": "languagetool",
        "version": version,
        "license": "LGPL-2.1-or-later",
        "homepage": "https://languagetool.org",
        "files": files,
        "gpl3": "ok",
    }


def write_notices(out: Path, entries: list[dict], host: list[dict], licenses_dir: Path) -> None:
    lines = [
        "Отклик — third-party notices",
        "",
        "Отклик is licensed under GPL-3.0-only. The bundle includes the components below, each under its own",
        "licence; their licence files are in the licenses/ folder next to this file.",
        "",
    ]
    width = max(len(entry["name"]) for entry in entries) + 2
    for entry in entries:
        lines.append(f"{entry['name'].ljust(width)}{entry['version']:<22}{entry['license']}")
    if host:
        lines += [
            "",
            "System libraries copied from the build machine (Debian packages; licenses/debian/):",
            "",
        ]
        lines += [f"{e['package']} {e['version']}: {', '.join(sorted(e['libraries']))}" for e in host]
    lines += ["", "=" * 100, ""]
    for entry in entries:
        for name in entry["files"]:
            path = licenses_dir / entry["dir"] / name
            lines += [f"----- {entry['name']} {entry['version']}: {name} -----", ""]
            lines.append(path.read_text(encoding="utf-8", errors="replace").rstrip())
            lines.append("")
    (out / "THIRD-PARTY-NOTICES.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, required=True, help="writes OUT/licenses/ and OUT/THIRD-PARTY-NOTICES.txt"
    )
    parser.add_argument("--manifest", type=Path, help="bundle-manifest.json written by installer/otklik.spec")
    parser.add_argument("--languagetool", type=Path)
    parser.add_argument("--java", type=Path)
    options = parser.parse_args(argv)

    licenses_dir = options.out / "licenses"
    if licenses_dir.exists():
        shutil.rmtree(licenses_dir)
    licenses_dir.mkdir(parents=True)

    dists = dependency_closure()
    manifest = {}
    if options.manifest and options.manifest.is_file():
        manifest = json.loads(options.manifest.read_text(encoding="utf-8"))
        dists.update(distributions_of_modules(manifest.get("modules", [])))

    entries = []
    for name in sorted(dists):
        entry = collect_distribution(dists[name], licenses_dir)
        entry["dir"] = f"{entry['name']}-{entry['version']}"
        entries.append(entry)

    # Python itself and the program's own licence.
    python_dir = licenses_dir / f"python-{sys.version.split()[0]}"
    python_dir.mkdir()
    python_license = (
        Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "LICENSE.txt"
    )
    if not python_license.is_file():
        python_license = Path(sys.base_prefix) / "LICENSE.txt"  # Windows
    python_files = []
    if python_license.is_file():
        shutil.copyfile(python_license, python_dir / "LICENSE.txt")
        python_files.append("LICENSE.txt")
    entries.append(
        {
            "name": "python",
            "version": sys.version.split()[0],
            "license": "PSF-2.0",
            "homepage": "https://www.python.org",
            "files": python_files,
            "gpl3": "ok",
            "dir": python_dir.name,
        }
    )
    own = licenses_dir / "otklik"
    own.mkdir()
    own_files = _copy_common_license("GPL-3.0-only", own)
    entries.append(
        {
            "name": "otklik",
            "version": md.version(PROJECT) if _installed(PROJECT) else "",
            "license": "GPL-3.0-only",
            "homepage": "",
            "files": own_files,
            "gpl3": "ok",
            "dir": "otklik",
        }
    )
    if options.languagetool and any(options.languagetool.glob("languagetool-server-*.jar")):
        entry = collect_languagetool_jars(options.languagetool, licenses_dir)
        entry["dir"] = "languagetool"
        entries.append(entry)
    elif options.languagetool:
        entry = collect_directory("languagetool", options.languagetool, "LGPL-2.1-or-later", licenses_dir)
        entry["dir"] = "languagetool"
        entries.append(entry)
    if options.java:
        entry = collect_directory(
            "jre", options.java, "GPL-2.0-only WITH Classpath-exception-2.0", licenses_dir
        )
        entry["dir"] = "jre"
        entries.append(entry)

    host = collect_host_libraries(manifest.get("binaries", []), licenses_dir)
    (licenses_dir / "index.json").write_text(
        json.dumps({"distributions": entries, "host_libraries": host}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    write_notices(options.out, entries, host, licenses_dir)

    missing = [e["name"] for e in entries if not e["files"]]
    review = [f"{e['name']} ({e['license']}): {e['gpl3']}" for e in entries if e["gpl3"] != "ok"]
    print(f"collect_licenses: {len(entries)} components, {len(host)} host library packages → {licenses_dir}")
    for line in review:
        print(f"collect_licenses: REVIEW {line}")
    if missing:
        print(f"collect_licenses: no licence text for: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


def _installed(name: str) -> bool:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
