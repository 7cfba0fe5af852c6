#!/usr/bin/env bash
# Takes docs/practice.png and docs/training-grid.png from the real `lore` binary: the
# demo library (its trainer sets the agents two role-plays and a quiz), the broken-cup
# role-play set for everyone and played in the Practice tab under a virtual X display,
# then scored; then the list and the trainer's grid, with the demo team's members who
# have not practised yet. Needs what scripts/screenshot.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
lore=target/release/lore
data="$(mktemp -d)"
display=:79
Xvfb "$display" -screen 0 1100x720x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
sleep 1
"$lore" --data-dir "$data" --name 王芳 demo >/dev/null
# Set for everyone (the trainer included), due first: it heads the list.
"$lore" --data-dir "$data" training assign training-rp-broken-cup --to all --due 2026-12-05 >/dev/null
DISPLAY="$display" LIBGL_ALWAYS_SOFTWARE=1 LANG=zh_CN.UTF-8 "$lore" --data-dir "$data" 2>/dev/null &
app=$!
sleep 4
window="$(DISPLAY="$display" xdotool search --sync --name '^Lore$' | head -1)"
DISPLAY="$display" xdotool windowfocus --sync "$window"
x() { DISPLAY="$display" xdotool "$@"; }
# The Practice tab (练习, the fourth), then the first item's 开始练习.
x mousemove --window "$window" "${TAB_X:-231}" 13 click 1
sleep 2
x mousemove --window "$window" "${START_X:-45}" "${START_Y:-62}" click 1
sleep 2
for reply in \
    "非常抱歉让您收到破损的杯子，给您添麻烦了！" \
    "麻烦您拍一下外箱面单和破损细节的照片，我在工单登记破损。" \
    "我们走顺丰加急补发，预计后天前到达，发出后主动推送单号给您。" \
    "补发的我们会加强包装，万一再有问题也由我们负责。" \
    "金额不到300元，无需寄回，给您补发或者退款都可以。" \
    "好的，明天一定给您发单号。"; do
    x type --delay 150 "$reply"
    x key Return
    sleep 1
done
sleep 2
DISPLAY="$display" import -window root docs/practice.png
echo "wrote docs/practice.png"
# 返回列表: the list again, then the trainer's grid (培训进度).
x mousemove --window "$window" "${BACK_X:-118}" "${BACK_Y:-505}" click 1
sleep 2
x mousemove --window "$window" "${GRID_X:-152}" "${GRID_Y:-44}" click 1
sleep 2
DISPLAY="$display" import -window root docs/training-grid.png
echo "wrote docs/training-grid.png"
