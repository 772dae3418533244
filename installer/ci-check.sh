#!/usr/bin/env bash
# CI for the installer: build the bundle, smoke-test it without network, build the .deb (and the offline set),
# then install the offline set into a clean Debian 12 chroot (debootstrap) without network and smoke-test there.
# Prints the time of each step. A step whose tool is truly unavailable prints "SKIPPED: reason" and is skipped.
# Usage: installer/ci-check.sh [build.sh options]    (e.g. --python .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen

step_started=0
step() { step_started=$(date +%s); echo "== $1"; }
done_step() { echo "== $1: $(( $(date +%s) - step_started )) s"; }

# Run a command with networking disabled for that process: unshare -n, else a fresh network namespace.
# Only the loopback interface is brought up: the bundled LanguageTool listens on 127.0.0.1.
no_network() {
  if unshare --net true 2>/dev/null; then
    unshare --net sh -c 'ip link set lo up 2>/dev/null || true; exec "$@"' sh "$@"
  elif ip netns add otklik-ci 2>/dev/null; then
    local rc=0
    ip netns exec otklik-ci sh -c 'ip link set lo up 2>/dev/null || true; exec "$@"' sh "$@" || rc=$?
    ip netns delete otklik-ci
    return "$rc"
  else
    echo "SKIPPED: cannot disable networking (neither unshare -n nor ip netns permitted); running with network"
    "$@"
  fi
}

# The report of `otklik validate --engine languagetool --json` on stdin: LanguageTool ran (no fallback)
# and put «рассмотрено» first for «расмотрено» (issue 16's done-when).
check_languagetool_report() {
  python3 -c '
import json, sys
spelling = json.load(sys.stdin)["spelling"]
assert spelling["engine"] == "languagetool", spelling.get("notice")
typo = [m for m in spelling["matches"] if m["text"] == "расмотрено"]
assert typo and typo[0]["replacements"][0] == "рассмотрено", typo
print("validate --engine languagetool: LanguageTool answered offline, «рассмотрено» first")
'
}

step "bundle (installer/build.sh)"
installer/build.sh "$@"
done_step "bundle"

step "bundle smoke test without network"
home=$(mktemp -d)
out=$(no_network env HOME="$home" timeout 30 dist/otklik/otklik --smoke-test)
echo "$out" | tail -1
grep -qx "SMOKE OK" <<<"$out"
due=$(no_network env HOME="$home" dist/otklik/otklik worktime add 1h 2026-05-12T17:30)
echo "worktime add 1h 2026-05-12T17:30 -> $due"
[ "$due" = "2026-05-13T09:30:00+03:00" ]
printf 'Здравствуйте! Когда отремонтируют дорогу на улице Ленина?\n' > "$home/message.txt"
printf 'Здравствуйте, Иван! Дорогу на улице Ленина отремонтируют до 1 июня. Заявка расмотрено.\n' > "$home/draft.txt"
if dist/otklik/otklik validate --help >/dev/null 2>&1; then
  no_network env HOME="$home" dist/otklik/otklik validate --message "$home/message.txt" --draft "$home/draft.txt" \
    --author Иван --platform vk --json > "$home/report.json"
  grep -q '"расмотрено"' "$home/report.json"
  grep -q '"covered": true' "$home/report.json"
  echo "validate: the misspelling found, question covered"
  if [ -d dist/otklik/_internal/languagetool ]; then
    no_network env HOME="$home" timeout 300 dist/otklik/otklik validate --message "$home/message.txt" \
      --draft "$home/draft.txt" --author Иван --engine languagetool --json | check_languagetool_report
  else
    echo "SKIPPED: no LanguageTool in this bundle (installer/build.sh --no-languagetool or no Maven Central)"
  fi
else
  echo "SKIPPED: otklik validate not available in this build"
fi
rm -rf "$home"
done_step "bundle smoke test"

step "notices cover every bundled distribution"
python3 - <<'PY'
import json
index = json.load(open("installer/licenses/index.json", encoding="utf-8"))
missing = [d["name"] for d in index["distributions"] if not d["files"]]
assert not missing, f"no licence text: {missing}"
print(f"{len(index['distributions'])} components, {len(index['host_libraries'])} host library packages")
PY
done_step "notices"

if ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "SKIPPED: dpkg-deb not available, no .deb"
  exit 0
fi
offline_opt=()
if command -v apt-get >/dev/null 2>&1; then offline_opt=(--offline); fi
step "Debian package (installer/build-deb.sh ${offline_opt[*]})"
installer/build-deb.sh "${offline_opt[@]}"
done_step "Debian package"

if [ "$(id -u)" -ne 0 ] || ! command -v debootstrap >/dev/null 2>&1 || [ "${#offline_opt[@]}" -eq 0 ]; then
  echo "SKIPPED: clean-root install test needs root, debootstrap and apt (apt-get install debootstrap)"
  exit 0
fi
step "clean Debian 12 chroot: offline install and smoke test"
root=build/chroot-bookworm
if [ ! -x "$root/usr/bin/apt-get" ]; then
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
  cp -a "$root" "$root.pristine"
elif [ -d "$root.pristine" ]; then
  rm -rf "$root" && cp -a "$root.pristine" "$root"  # every run starts from the clean root
fi
[ -d "$root.pristine" ] || cp -a "$root" "$root.pristine"
rm -rf "$root/tmp/offline" && mkdir -p "$root/tmp/offline"
cp -r dist/otklik-offline/. "$root/tmp/offline/"
mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
no_network chroot "$root" /bin/bash -c 'cd /tmp/offline && ./install.sh' | tail -2
out=$(no_network chroot "$root" env HOME=/tmp/user QT_QPA_PLATFORM=offscreen otklik --smoke-test)
echo "$out" | tail -1
grep -qx "SMOKE OK" <<<"$out"
# The installed program works with its own database offline: migrate, import an export, verify the record.
mkdir -p "$root/tmp/user/.config/otklik"
printf '[database]\nurl = "sqlite:////tmp/user/otklik.sqlite3"\n[incident]\nmode = "manual"\n' \
  > "$root/tmp/user/.config/otklik/settings.toml"
printf 'ID;Площадка;Автор;Текст;Дата поступления\nINC-1;vk;Иван Петров;Когда починят фонарь?;12.05.2026 09:15\n' \
  > "$root/tmp/user/export.csv"
no_network chroot "$root" env HOME=/tmp/user otklik db upgrade
no_network chroot "$root" env HOME=/tmp/user otklik import /tmp/user/export.csv
no_network chroot "$root" env HOME=/tmp/user otklik audit verify
if [ -d dist/otklik/_internal/languagetool ]; then
  printf 'Когда отремонтируют дорогу на улице Ленина?\n' > "$root/tmp/user/message.txt"
  printf 'Здравствуйте, Иван! Дорогу на улице Ленина отремонтируют до 1 июня. Заявка расмотрено.\n' \
    > "$root/tmp/user/draft.txt"
  no_network chroot "$root" env HOME=/tmp/user timeout 300 otklik validate --message /tmp/user/message.txt \
    --draft /tmp/user/draft.txt --author Иван --engine languagetool --json | check_languagetool_report
  java_version=$(chroot "$root" java -version 2>&1 | head -1)
  echo "clean root: Java from the offline set: $java_version"
fi
done_step "clean Debian 12 chroot"
echo "installer CI: OK"
