#!/usr/bin/env bash
# Build the PyInstaller one-folder bundle of Отклик into dist/otklik/.
#
# Usage: installer/build.sh [--python PY] [--languagetool DIR | --no-languagetool] [--java DIR]
#   --python PY         the Python of a virtualenv that has Отклик's runtime dependencies installed.
#                       Default: $VIRTUAL_ENV, else ./.venv, else a fresh build/venv with `pip install .`.
#   --languagetool DIR  a LanguageTool directory, bundled as languagetool/: the jars of
#                       installer/languagetool/pom.xml (the default, fetched by scripts/setup.sh or here
#                       with mvn when missing) or a standalone download with languagetool-server.jar
#   --no-languagetool   bundle no LanguageTool: the bundle proofreads with the embedded engine only
#   --java DIR          a Java 17+ runtime (with bin/java), bundled as jre/. The .deb needs none: it
#                       depends on Debian's openjdk-17-jre-headless.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

python=""
languagetool=""
no_languagetool=0
java=""
while [ $# -gt 0 ]; do
  case "$1" in
    --python) python=$2; shift 2 ;;
    --languagetool) languagetool=$2; shift 2 ;;
    --no-languagetool) no_languagetool=1; shift ;;
    --java) java=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

# The Russian-only LanguageTool of installer/languagetool/pom.xml is bundled by default (R7 (2)).
if [ -z "$languagetool" ] && [ "$no_languagetool" = 0 ]; then
  languagetool=installer/languagetool/lib
  if ! ls "$languagetool"/languagetool-server-*.jar >/dev/null 2>&1; then
    if command -v mvn >/dev/null 2>&1 && mvn -q -B -f installer/languagetool/pom.xml package; then
      touch "$languagetool/.otklik-fetched"
    else
      echo "build.sh: LanguageTool not fetched (Maven Central unreachable?): bundling the embedded engine only" >&2
      languagetool=""
    fi
  fi
fi
if [ -n "$languagetool" ] && [ ! -f "$languagetool/languagetool-server.jar" ] \
    && ! ls "$languagetool"/languagetool-server-*.jar >/dev/null 2>&1; then
  echo "build.sh: $languagetool has no languagetool-server.jar nor languagetool-server-*.jar" >&2; exit 2
fi
if [ -n "$java" ] && [ ! -x "$java/bin/java" ] && [ ! -f "$java/bin/java.exe" ]; then
  echo "build.sh: $java has no bin/java" >&2; exit 2
fi
if [ -n "$languagetool" ] && [ -z "$java" ]; then
  echo "build.sh: LanguageTool bundled without a Java runtime: the .deb depends on openjdk-17-jre-headless;" \
    "elsewhere Java 17+ must be on PATH (or --java DIR)" >&2
fi

if [ -z "$python" ]; then
  if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
    python=$VIRTUAL_ENV/bin/python
  elif [ -x .venv/bin/python ]; then
    python=.venv/bin/python
  else
    if [ ! -x build/venv/bin/python ]; then
      python3 -m venv build/venv
      build/venv/bin/python -m pip install --quiet --upgrade pip
    fi
    build/venv/bin/python -m pip install --quiet .
    python=build/venv/bin/python
  fi
fi
echo "build.sh: Python: $python ($("$python" -c 'import sys; print(sys.version.split()[0])'))"

if ! "$python" -c 'import PyInstaller' >/dev/null 2>&1; then
  "$python" -m pip install --quiet "pyinstaller>=6.10,<7"
fi

QT_QPA_PLATFORM=offscreen "$python" installer/make_icons.py build/icons

lt_abs=""
[ -n "$languagetool" ] && lt_abs=$(cd "$languagetool" && pwd)
export OTKLIK_LANGUAGETOOL_DIR="$lt_abs" OTKLIK_JAVA_DIR="$java"
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installer/otklik.spec

# Make the bundled Java runnable (PyInstaller copies data without the executable bit on some setups).
if [ -d dist/otklik/_internal/jre/bin ]; then
  chmod +x dist/otklik/_internal/jre/bin/* dist/otklik/_internal/jre/lib/jspawnhelper 2>/dev/null || true
fi

# Licences and notices of every bundled distribution and host library (from the bundle manifest),
# into installer/ (for packaging) and into the bundle's top folder.
extra_notices=()
[ -n "$languagetool" ] && extra_notices+=(--languagetool "$languagetool")
[ -n "$java" ] && extra_notices+=(--java "$java")
"$python" installer/collect_licenses.py --out installer \
  --manifest build/pyinstaller/otklik/bundle-manifest.json "${extra_notices[@]}"
rm -rf dist/otklik/licenses
cp -r installer/licenses dist/otklik/licenses
cp installer/THIRD-PARTY-NOTICES.txt LICENSE dist/otklik/

size=$(du -sm dist/otklik | cut -f1)
lt_note="no LanguageTool"
[ -d dist/otklik/_internal/languagetool ] && lt_note="LanguageTool $(du -sm dist/otklik/_internal/languagetool | cut -f1) MB"
echo "build.sh: built $root/dist/otklik ($size MB, $lt_note)"
