#!/usr/bin/env bash
# Checks the packages `make dist` wrote (run under xvfb-run):
#   both .debs install with dpkg into a scratch root (maintainer scripts run,
#   chrootless, against that root), the installed binaries print the version,
#   the installed app opens its window (scripts/native-smoke.sh), lintian
#   reports no errors, the hub's unit passes systemd-analyze verify, and the
#   tarballs hold working binaries. The Windows app and installer (cross-built,
#   they cannot run here) are checked to be what Windows would load.
set -euo pipefail
dist=${1:-build/dist}
version=${2:?usage: package-test.sh DIST VERSION}
here=$(cd "$(dirname "$0")" && pwd)
app_deb=$dist/fieldnotes_${version}_amd64.deb
hub_deb=$dist/fieldhub_${version}_amd64.deb
work=$(mktemp -d /tmp/fieldnotes-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0
ok() { echo "package: ok   $*"; }
bad() { echo "package: FAIL $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@" >"$work/out" 2>&1; then ok "$what"; else bad "$what"; sed 's/^/    /' "$work/out"; fi; }

for f in "$app_deb" "$hub_deb" "$dist/fieldnotes_${version}_linux_amd64.tar.gz" "$dist/fieldhub_${version}_linux_amd64.tar.gz"; do
  [ -f "$f" ] || { echo "package: FAIL $f is missing (make dist)"; exit 1; }
done

# Depends: the runtime libraries, never a -dev package.
depends=$(dpkg-deb -f "$app_deb" Depends)
check "fieldnotes Depends has GTK 3 and WebKitGTK 4.0 runtimes ($depends)" \
  bash -c '[[ "$1" == *libgtk-3-0* && "$1" == *libwebkit2gtk-4.0-37* && "$1" != *-dev* ]]' _ "$depends"

# A scratch root with an empty dpkg database. --force-script-chrootless runs
# the maintainer scripts on this machine with DPKG_ROOT set (they honour it);
# --force-depends because the root has no GTK (the host's is used to run).
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers" "$root/etc"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
check "dpkg -i both packages into $root" \
  dpkg --root="$root" --log=/dev/null --force-script-chrootless --force-depends --force-not-root -i "$app_deb" "$hub_deb"
check "dpkg lists both as installed" bash -c \
  "dpkg --root='$root' -l fieldnotes fieldhub | grep -E '^ii +(fieldnotes|fieldhub) +${version//+/\\+} '| wc -l | grep -qx 2"

check "installed fieldnotes version says $version" \
  bash -c '[ "$("$1" version)" = "fieldnotes $2" ]' _ "$root/usr/bin/fieldnotes" "$version"
check "installed fieldhub version says $version" \
  bash -c '[ "$("$1" version)" = "fieldhub $2" ]' _ "$root/usr/bin/fieldhub" "$version"
check "fieldhub is stripped" bash -c 'file "$1" | grep -q ", stripped"' _ "$root/usr/bin/fieldhub"

desktop=$root/usr/share/applications/fieldnotes.desktop
check "desktop entry handles fieldnotes:// links" grep -qx 'MimeType=x-scheme-handler/fieldnotes;' "$desktop"
check "desktop entry passes the link (%u)" grep -qx 'Exec=fieldnotes %u' "$desktop"
if command -v desktop-file-validate >/dev/null; then check "desktop-file-validate" desktop-file-validate "$desktop"; fi
for size in 16 24 32 48 64 128 256 512; do
  icon=$root/usr/share/icons/hicolor/${size}x${size}/apps/fieldnotes.png
  check "icon ${size}x${size}" bash -c 'identify -format "%wx%h" "$1" | grep -qx "$2x$2"' _ "$icon" "$size"
done
check "AppStream metainfo is well-formed and names the desktop entry" bash -c \
  'python3 -c "import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); assert r.find(\"launchable\").text==\"fieldnotes.desktop\"" "$1"' \
  _ "$root/usr/share/metainfo/app.fieldnotes.Fieldnotes.metainfo.xml"
check "postinst made the fieldhub system user in the root" bash -c \
  'grep -E "^fieldhub:x:[0-9]+:[0-9]+:[^:]*:/var/lib/fieldhub:/usr/sbin/nologin$" "$1"/etc/passwd' _ "$root"
unit=$root/lib/systemd/system/fieldhub.service
check "systemd-analyze verify fieldhub.service" systemd-analyze verify --man=no "$unit"
for opt in User=fieldhub ProtectSystem=strict StateDirectory=fieldhub NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes; do
  check "unit sets $opt" grep -qx "$opt" "$unit"
done
if systemd-analyze security --offline=yes "$unit" >"$work/security" 2>&1; then
  echo "package: $(grep -i 'overall exposure' "$work/security" | tr -s ' ')"
fi

# lintian: errors fail the test; warnings are printed for the reader.
for deb in "$app_deb" "$hub_deb"; do
  lintian --allow-root --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1 || true
  sed 's/^/    lintian: /' "$work/lintian"
  check "lintian reports no errors for $(basename "$deb")" bash -c '! grep -q "^E: " "$1"' _ "$work/lintian"
done

# The portable tarballs.
tar -C "$work" -xzf "$dist/fieldnotes_${version}_linux_amd64.tar.gz"
tar -C "$work" -xzf "$dist/fieldhub_${version}_linux_amd64.tar.gz"
check "tarball fieldnotes version says $version" \
  bash -c '[ "$("$1" version)" = "fieldnotes $2" ]' _ "$work/fieldnotes_${version}_linux_amd64/fieldnotes" "$version"
check "tarball fieldhub version says $version" \
  bash -c '[ "$("$1" version)" = "fieldhub $2" ]' _ "$work/fieldhub_${version}_linux_amd64/fieldhub" "$version"

# Windows: a 64-bit GUI PE with this version compiled in, and an NSIS installer.
win=$dist/fieldnotes_${version}_windows_amd64
for f in "$win.exe" "${win}_setup.exe"; do [ -f "$f" ] || bad "$f is missing (make windows)"; done
if [ -f "$win.exe" ]; then
  check "$(basename "$win.exe") is a 64-bit Windows GUI program" bash -c 'file -b "$1" | grep -q "^PE32+ executable (GUI) x86-64.*MS Windows"' _ "$win.exe"
  check "$(basename "$win.exe") carries version $version" grep -aqF -- "$version" "$win.exe"
fi
if [ -f "${win}_setup.exe" ]; then
  check "$(basename "${win}_setup.exe") is an NSIS installer" bash -c 'file -b "$1" | grep -q "Nullsoft Installer self-extracting archive"' _ "${win}_setup.exe"
  check "$(basename "${win}_setup.exe") holds the app (over 5 MB)" bash -c '[ "$(stat -c %s "$1")" -gt 5000000 ]' _ "${win}_setup.exe"
  check "the installer registers fieldnotes:// links (wails.json protocols)" \
    grep -qF 'CUSTOM_PROTOCOL_ASSOCIATE "fieldnotes"' "$here/../build/windows/installer/wails_tools.nsh"
fi

# The installed app opens its window and paints (one launch is enough here).
check "installed app opens a window under Xvfb" env NATIVE_RUNS=1 "$here/native-smoke.sh" "$root/usr/bin/fieldnotes" "$work/installed.png"
grep '^native:' "$work/out" | sed 's/^/    /' || true

if [ "$failed" -gt 0 ]; then echo "package: $failed check(s) failed"; exit 1; fi
echo "package: all checks passed"
