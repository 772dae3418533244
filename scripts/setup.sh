#!/usr/bin/env bash
# Prepare a fresh Debian machine for Отклик: system libraries, a virtualenv, the package, and the
# Russian-only LanguageTool (Java 17 and Maven from Debian, the jars from Maven Central into
# installer/languagetool/lib/). Idempotent: installs only what is missing.
# Usage: scripts/setup.sh [--test] [--no-languagetool]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
want_languagetool=1
for argument in "$@"; do
  case "$argument" in
    --test) want_test=1 ;;
    --no-languagetool) want_languagetool=0 ;;
    *) echo "setup.sh: неизвестный параметр: $argument" >&2; exit 2 ;;
  esac
done

# Qt's runtime libraries for pip-installed PySide6 (FIELD-NOTES), Python's venv, and for tests a
# PostgreSQL server (the suite starts a throwaway cluster itself) and xvfb for real-display checks.
packages=(libglib2.0-0 libgl1 libegl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 fonts-dejavu-core)
if [ "$want_test" = 1 ]; then
  packages+=(postgresql poppler-utils)
fi
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  packages+=(python3-venv)
fi
# LanguageTool 6.6+ needs Java 17; Maven fetches it and compiles its 3-class placeholder module (javac).
if [ "$want_languagetool" = 1 ]; then
  if ! command -v javac >/dev/null 2>&1 || ! javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])'; then
    packages+=(openjdk-17-jdk-headless)
  fi
  command -v mvn >/dev/null 2>&1 || packages+=(maven)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Устанавливаю системные пакеты: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.otklik-installed
extras=""
[ "$want_test" = 1 ] && extras="[test]"
if [ ! -f "$stamp$extras" ] || [ pyproject.toml -nt "$stamp$extras" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$extras"
  touch "$stamp$extras"
fi

# The Russian-only LanguageTool (installer/languagetool/pom.xml): fetched again only when the pom or
# the placeholder module changed. Without Maven Central the app proofreads with the embedded engine.
if [ "$want_languagetool" = 1 ]; then
  lt=installer/languagetool
  lt_stamp=$lt/lib/.otklik-fetched
  if [ ! -f "$lt_stamp" ] || [ -n "$(find "$lt/pom.xml" "$lt/src" -newer "$lt_stamp" -print -quit)" ]; then
    echo "Загружаю LanguageTool (только русский язык) из Maven Central…"
    if mvn_log=$(mvn -q -B -f "$lt/pom.xml" package 2>&1); then
      touch "$lt_stamp"
      echo "LanguageTool готов: $lt/lib ($(du -sm "$lt/lib" | cut -f1) МБ)."
    else
      echo "$mvn_log" | tail -5 >&2
      echo "Не удалось загрузить LanguageTool из Maven Central (нет доступа к сети или к репозиторию)." >&2
      echo "Программа будет работать: орфографию проверит встроенный модуль pylat-ru." >&2
      echo "Повторите scripts/setup.sh, когда сеть будет доступна." >&2
    fi
  fi
fi
