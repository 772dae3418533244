#!/usr/bin/env bash
# Package the one-folder bundle dist/otklik/ as dist/otklik_<version>_amd64.deb.
#
# Usage: installer/build-deb.sh [--offline]
#   --offline  also download the .debs of the Depends closure that a minimal Debian 12 lacks into
#              dist/otklik-offline/ (beside a copy of the .deb) with an install.sh for machines without
#              network access. Needs apt on a Debian 12 (bookworm) amd64 build machine.
# Build the bundle first: installer/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

offline=0
case "${1:-}" in
  --offline) offline=1 ;;
  "") ;;
  -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
  *) echo "build-deb.sh: unknown argument: $1" >&2; exit 2 ;;
esac

[ -x dist/otklik/otklik ] || { echo "build-deb.sh: dist/otklik/otklik missing: run installer/build.sh" >&2; exit 2; }
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' pyproject.toml | head -1)
[ -n "$version" ] || { echo "build-deb.sh: no version in pyproject.toml" >&2; exit 2; }
deb=dist/otklik_${version}_amd64.deb

stage=build/deb/otklik_${version}_amd64
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/doc/otklik" "$stage/usr/share/icons/hicolor/scalable/apps"
cp -a dist/otklik "$stage/opt/otklik"

cat > "$stage/usr/bin/otklik" <<'LAUNCHER'
#!/bin/sh
# Отклик launcher: the self-contained bundle lives in /opt/otklik.
exec /opt/otklik/otklik "$@"
LAUNCHER
chmod 0755 "$stage/usr/bin/otklik"

cp installer/debian/otklik.desktop "$stage/usr/share/applications/otklik.desktop"
cp installer/otklik.svg "$stage/usr/share/icons/hicolor/scalable/apps/otklik.svg"
if [ -d build/icons ]; then
  for size in 16 32 48 64 128 256; do
    if [ -f "build/icons/otklik-$size.png" ]; then
      mkdir -p "$stage/usr/share/icons/hicolor/${size}x${size}/apps"
      cp "build/icons/otklik-$size.png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/otklik.png"
    fi
  done
fi
cp installer/debian/copyright.in "$stage/usr/share/doc/otklik/copyright"

installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
# A bundled LanguageTool runs on Debian's Java 17 (the bundle carries no JRE on Linux).
java_depends=""
if [ -d "$stage/opt/otklik/_internal/languagetool" ] && [ ! -d "$stage/opt/otklik/_internal/jre" ]; then
  java_depends=", openjdk-17-jre-headless"
fi
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  -e "s/^Depends: .*/&$java_depends/" installer/debian/control.in > "$stage/DEBIAN/control"

# Files and folders: root-owned, world-readable; executables stay executable.
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -perm -u+x -exec chmod 0644 {} +
find "$stage" -type f -perm -u+x -exec chmod 0755 {} +

# zstd, not xz: Debian 12's dpkg (1.21.22) reads it, and it packs the 350 MB bundle in seconds instead of
# ≈4 minutes of xz on two cores, for a package ≈10 % larger.
dpkg-deb --root-owner-group -Zzstd -z9 --build "$stage" "$deb" >/dev/null
echo "build-deb.sh: built $deb ($(du -m "$deb" | cut -f1) MB)"

if [ "$offline" = 1 ]; then
  out=dist/otklik-offline
  rm -rf "$out"
  mkdir -p "$out/deps"
  cp "$deb" "$out/"
  depends=$(sed -n 's/^Depends: //p' "$stage/DEBIAN/control" | tr -d ' ' | tr ',' ' ')
  # The Depends closure as apt resolves it on an empty system (default alternatives), minus what every
  # Debian 12 system has (Priority: required).
  empty_status=$(mktemp)
  mapfile -t closure < <(apt-get install -s -qq --no-install-recommends -o Dir::State::status="$empty_status" \
      $depends | sed -n 's/^Inst \([^ ]*\) .*/\1/p' | sort -u)
  rm -f "$empty_status"
  wanted=()
  for package in "${closure[@]}"; do
    priority=$(apt-cache show --no-all-versions "$package" 2>/dev/null | sed -n 's/^Priority: //p' | head -1)
    [ "$priority" = required ] || wanted+=("$package")
  done
  chmod 0777 "$out/deps"  # apt-get download drops privileges to _apt
  (cd "$out/deps" && apt-get download -qq "${wanted[@]}")
  cat > "$out/install.sh" <<'INSTALL'
#!/usr/bin/env bash
# Install Отклик and the system libraries it needs without network access (Debian 12 amd64).
set -euo pipefail
cd "$(dirname "$0")"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=/dev/null \
  ./otklik_*_amd64.deb ./deps/*.deb
echo "Отклик установлен: команда otklik или пункт «Отклик» в меню приложений."
INSTALL
  chmod 0755 "$out/install.sh"
  echo "build-deb.sh: offline set in $out: $(ls "$out/deps" | wc -l) dependency packages, $(du -sm "$out" | cut -f1) MB"
fi
