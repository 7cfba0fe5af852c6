#!/usr/bin/env bash
# Takes docs/insights.png from the real `lore` binary: the Insights tab (洞察) of the demo
# library — its two weeks of sample questions — after a few replies were copied from
# searches and marked solved or not on the command line. Needs what scripts/screenshot.sh
# needs.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
lore=target/release/lore
root="$(mktemp -d)"
display=:79
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 1
    rm -rf "$root"
}
trap cleanup EXIT

l() { "$lore" --data-dir "$root" "$@"; }
l --name 周静 demo >/dev/null
# Replies copied after searches, and whether they solved the customer's problem.
copy() { l copy "$1" --after "$2" --keep-blanks --internal >/dev/null 2>&1; l solved "$1" ${3:-} >/dev/null; }
for i in 1 2 3; do copy faq-refund-timeline "退款多久到账"; done
copy faq-ship-tracking-stuck "快递不动了"
copy faq-ship-tracking-stuck "快递不动了"
copy faq-refund-not-received "钱没退回来" --no
copy faq-refund-not-received "钱没退回来" --no
copy faq-refund-not-received "钱没退回来"
copy faq-invoice-how-to "报销凭证"

Xvfb "$display" -screen 0 1100x760x24 >/dev/null 2>&1 &
pids+=($!)
sleep 1
DISPLAY="$display" LIBGL_ALWAYS_SOFTWARE=1 LANG=zh_CN.UTF-8 "$lore" --data-dir "$root" &
pids+=($!)
sleep 4
window="$(DISPLAY="$display" xdotool search --sync --name '^Lore$' | head -1)"
DISPLAY="$display" xdotool windowfocus --sync "$window"
# The Insights tab (洞察, the sixth).
DISPLAY="$display" xdotool mousemove --window "$window" "${TAB_X:-330}" "${TAB_Y:-13}" click 1
sleep 3
DISPLAY="$display" import -window root docs/insights.png
echo "wrote docs/insights.png"
