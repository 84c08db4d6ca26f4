#!/usr/bin/env bash
# Validates what gets installed beside the binary — desktop file, metainfo,
# GSettings schema, icons, Flatpak manifest, translations — and prints one
# TAP line per check so meson counts each as a test case.
#
# Usage: validate-data.sh SOURCE_ROOT DESKTOP_FILE METAINFO_FILE MANIFEST
# (the desktop and metainfo files are the merged ones from the build tree).
set -u

if [ $# -ne 4 ]; then
  echo "Bail out! usage: $0 SOURCE_ROOT DESKTOP_FILE METAINFO_FILE MANIFEST"
  exit 1
fi

src_root=$1
desktop=$2
metainfo=$3
manifest=$4
app_id=io.github.stormops.StormOps

n=0
failed=0

# check DESCRIPTION COMMAND...: runs COMMAND, reports ok/not ok, and shows
# its output as TAP diagnostics when it fails.
check () {
  local description=$1 output status
  shift
  n=$((n + 1))
  output=$("$@" 2>&1)
  status=$?
  if [ $status -eq 0 ]; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    failed=$((failed + 1))
    # On stderr too: meson's --print-errorlogs shows only that for TAP tests.
    printf '%s\n' "$output" | sed 's/^/# /' | tee /dev/stderr
  fi
}

# Every source file that marks strings for translation must be in
# POTFILES.in, or its strings never reach the translators; and every listed
# file must exist, or the stormops-pot target fails.
potfiles_complete () {
  local listed missing=0 file
  listed=$(grep -v '^[[:space:]]*\(#\|$\)' "$src_root/po/POTFILES.in")
  while IFS= read -r file; do
    if [ ! -f "$src_root/$file" ]; then
      echo "po/POTFILES.in lists $file, which does not exist"
      missing=1
    fi
  done <<< "$listed"
  while IFS= read -r file; do
    [ -n "$file" ] || continue
    if ! grep -qxF "$file" <<< "$listed"; then
      echo "$file has translatable strings; add it to po/POTFILES.in"
      missing=1
    fi
  done < <(cd "$src_root" &&
           grep -rlE --include='*.c' --include='*.h' '(^|[^A-Za-z0-9_])(N?C?_|g_dngettext|ngettext)[[:space:]]*\(' src;
           cd "$src_root" && grep -rlE --include='*.ui' 'translatable="(yes|true)"' src)
  return $missing
}

# The manifest must parse and name this app, its command and the stormops
# module built from this checkout.
manifest_valid () {
  python3 - "$manifest" "$app_id" <<'EOF'
import json, sys

path, app_id = sys.argv[1], sys.argv[2]
try:
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
except (OSError, ValueError) as e:
    print(f"{path}: {e}")
    sys.exit(1)
problems = []
if m.get("id", m.get("app-id")) != app_id:
    problems.append("id is not " + app_id)
if m.get("command") != "stormops":
    problems.append("command is not stormops")
if not m.get("runtime") == "org.gnome.Platform" or not m.get("sdk") == "org.gnome.Sdk":
    problems.append("runtime/sdk are not org.gnome.Platform/org.gnome.Sdk")
modules = m.get("modules") or []
if not modules or modules[-1].get("name") != "stormops":
    problems.append("the last module is not stormops")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
EOF
}

# Icons: well-formed SVG on the sizes GNOME expects (128 for the app icon,
# 16 for the symbolic one).
icon_valid () {
  python3 - "$1" "$2" <<'EOF'
import sys
import xml.etree.ElementTree as ET

path, size = sys.argv[1], sys.argv[2]
root = ET.parse(path).getroot()
view_box = root.get("viewBox", "").split()
if root.tag != "{http://www.w3.org/2000/svg}svg" or view_box != ["0", "0", size, size]:
    print(f"{path}: expected an <svg> with viewBox '0 0 {size} {size}', found {view_box}")
    sys.exit(1)
EOF
}

icons_valid () {
  icon_valid "$src_root/data/icons/hicolor/scalable/apps/$app_id.svg" 128 &&
    icon_valid "$src_root/data/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" 16
}

echo "1..7"
check "desktop file valid" desktop-file-validate "$desktop"
check "metainfo valid" appstreamcli validate --no-net "$metainfo"
check "GSettings schema compiles strictly" \
  glib-compile-schemas --strict --dry-run "$src_root/data"
check "app icons are SVG of the expected size" icons_valid
check "flatpak manifest parses" manifest_valid
check "Spanish translation compiles" \
  msgfmt --check --output-file=/dev/null "$src_root/po/es.po"
check "POTFILES.in lists every translatable source" potfiles_complete

[ $failed -eq 0 ]
