#!/usr/bin/env bash
# Takes docs/screenshot.png from the real `lore` binary: the demo library in the app,
# under a virtual X display (Xvfb) with software OpenGL, after typing a query; then
# docs/picker.png: the quick picker over it, a reply's blanks being filled.
# Installs what it needs on Debian/Ubuntu (Xvfb, Mesa, xdotool, ImageMagick).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xdotool >/dev/null || missing+=(xdotool)
command -v import >/dev/null || missing+=(imagemagick)
[ -e /usr/lib/x86_64-linux-gnu/dri/swrast_dri.so ] || missing+=(libgl1-mesa-dri libegl1 libgl1)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

cargo build --release --quiet
data="$(mktemp -d)"
display=:77
Xvfb "$display" -screen 0 1100x720x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
sleep 1
target/release/lore --data-dir "$data" --name 周静 demo >/dev/null
DISPLAY="$display" LIBGL_ALWAYS_SOFTWARE=1 LANG=zh_CN.UTF-8 target/release/lore --data-dir "$data" &
app=$!
sleep 4
# No window manager runs on the virtual display: give the window the keyboard directly.
window="$(DISPLAY="$display" xdotool search --sync --name '^Lore$' | head -1)"
DISPLAY="$display" xdotool windowfocus --sync "$window"
DISPLAY="$display" xdotool type --delay 120 "${QUERY:-杯子碎了能退吗}"
sleep 2
DISPLAY="$display" xdotool key Return
sleep 2
DISPLAY="$display" import -window root docs/screenshot.png
echo "wrote docs/screenshot.png"
# The quick picker, opened by its system-wide shortcut over whatever has the focus:
# #2 chosen, its first blank filled, the second still marked.
DISPLAY="$display" xdotool key ctrl+alt+k
sleep 2
# A desktop gives the new window the keyboard; the bare virtual display needs telling.
picker="$(DISPLAY="$display" xdotool search --sync --name '^Lore .' | head -1)"
DISPLAY="$display" xdotool windowfocus --sync "$picker"
DISPLAY="$display" xdotool type --delay 120 "#2"
sleep 2
DISPLAY="$display" xdotool key Return
sleep 2
DISPLAY="$display" xdotool type --delay 120 "20261129001"
sleep 2
DISPLAY="$display" import -window root docs/picker.png
echo "wrote docs/picker.png"
