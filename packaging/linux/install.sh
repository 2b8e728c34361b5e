#!/bin/sh
# Installs (or upgrades) LeaseLab Desktop for the current user from the extracted release folder:
#   tar -xzf LeaseLabDesktop-<version>-linux-x86_64.tar.gz && LeaseLabDesktop/install.sh
# Program: ~/.local/opt/LeaseLabDesktop; command: ~/.local/bin/leaselab-desktop; menu entry +
# icon under ~/.local/share. User data (~/.local/share/LeaseLabDesktop) is never touched.
# Uninstall: LeaseLabDesktop/install.sh --uninstall
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${XDG_DATA_HOME:-$HOME/.local/share}"
OPT="$HOME/.local/opt/LeaseLabDesktop"
BIN="$HOME/.local/bin/leaselab-desktop"
DESKTOP="$PREFIX/applications/leaselab-desktop.desktop"
ICON="$PREFIX/icons/hicolor/256x256/apps/leaselab-desktop.png"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$OPT" "$BIN" "$DESKTOP" "$ICON"
  echo "LeaseLab Desktop removed (your data in $PREFIX/LeaseLabDesktop is kept)."
  exit 0
fi
[ -x "$HERE/LeaseLabDesktop" ] || { echo "run this from the extracted LeaseLabDesktop folder" >&2; exit 1; }
if [ "$HERE" != "$OPT" ]; then
  rm -rf "$OPT.new" && mkdir -p "$(dirname "$OPT")"
  cp -R "$HERE" "$OPT.new" && rm -rf "$OPT" && mv "$OPT.new" "$OPT"
fi
mkdir -p "$(dirname "$BIN")" "$(dirname "$DESKTOP")" "$(dirname "$ICON")"
ln -sf "$OPT/LeaseLabDesktop" "$BIN"
cp "$OPT/_internal/resources/icons/app-256.png" "$ICON"
sed "s|^Exec=.*|Exec=$OPT/LeaseLabDesktop|" "$OPT/leaselab-desktop.desktop" > "$DESKTOP"
echo "LeaseLab Desktop installed in $OPT (run: leaselab-desktop, or from the applications menu)."
# Qt's X11 plugin needs these system libraries; minimal desktops lack them (the app says so too).
libs="$( { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true)"
missing=""
for pair in libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 \
            libxcb-keysyms.so.1:libxcb-keysyms1 libxkbcommon-x11.so.0:libxkbcommon-x11-0; do
  case "$libs" in *"${pair%%:*}"*) ;; *) missing="$missing ${pair#*:}" ;; esac
done
if [ -n "$missing" ] && [ -n "$libs" ]; then
  echo "Before the first start, install the Qt libraries this desktop lacks: sudo apt-get install$missing"
fi
