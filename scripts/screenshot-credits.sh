#!/usr/bin/env bash
# Takes docs/credits.png from the real `lore` binary: the Credits tab (贡献榜) of a real
# four-member team on this machine. 周静 loads the demo and runs a node; 孙悦, 吴涛 and
# 郑丽 join with invites and run nodes of their own; 孙悦 improves an entry and answers
# two, 周静 adopts one and folds the other into the body, the others copy replies and
# say whether they solved the problem. Every number on the board comes from their signed
# changes, synced over 127.0.0.1. Needs what scripts/screenshot.sh needs, and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
lore=target/release/lore
root="$(mktemp -d)"
display=:78
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 1
    rm -rf "$root"
}
trap cleanup EXIT

member() { "$lore" --data-dir "$root/$1" "${@:2}"; }
serve() {
    "$lore" --data-dir "$root/$1" serve --listen "127.0.0.1:$2" --no-mdns --every 1 2>/dev/null &
    pids+=($!)
    sleep 2
}
# The answer id of the newest answer by NAME awaiting a decision.
answer_by() {
    member alice --json review | python3 -c "
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print([r for r in rows if r['name'] == '$1' and r['entry'] == '$2'][-1]['answer'])"
}

member alice --name 周静 demo >/dev/null
serve alice 47481
port=47482
for who in "bob 孙悦" "carol 吴涛" "dave 郑丽"; do
    set -- $who
    ticket="$(member alice invite --role agent --listen 127.0.0.1:47481)"
    member "$1" --name "$2" join "$ticket" --listen "127.0.0.1:$port" >/dev/null
    serve "$1" "$port"
    port=$((port + 1))
done

# 孙悦 writes: a sentence in an entry of 周静's, and two answers.
body="$(member bob --json show faq-ship-tracking-stuck | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["body"])')"
member bob edit faq-ship-tracking-stuck --body "$body

如果物流超过 48 小时没有更新，我们会主动联系快递公司为您催件，并把结果第一时间告诉您。" >/dev/null
member bob edit faq-invoice-how-to --answer "亲，下单后在「订单详情」点「申请开票」，填好抬头和税号，电子发票 1 个工作日内发到您的邮箱哦～" >/dev/null
member bob edit faq-return-damaged-on-arrival --answer "收到破损真的很抱歉！麻烦您拍一张外包装和破损处的照片发给我，核实后马上为您补发或退款，运费由我们承担。" >/dev/null
sleep 4
member alice review faq-invoice-how-to "$(answer_by 孙悦 faq-invoice-how-to)" adopt >/dev/null
member alice review faq-return-damaged-on-arrival "$(answer_by 孙悦 faq-return-damaged-on-arrival)" fold >/dev/null
sleep 4

# Teammates copy replies and mark whether they solved the customer's problem.
copy() { member "$1" copy "$2" --keep-blanks --internal >/dev/null 2>&1; member "$1" solved "$2" ${3:-} >/dev/null; }
for id in faq-invoice-how-to faq-return-damaged-on-arrival faq-ship-tracking-stuck faq-refund-timeline; do
    copy carol "$id"
done
for id in faq-invoice-how-to faq-ship-tracking-stuck faq-order-cancel; do
    copy dave "$id"
done
copy dave faq-return-damaged-on-arrival --no
for id in faq-invoice-how-to faq-order-change-address; do
    copy bob "$id"
done
copy alice faq-ship-tracking-stuck
sleep 5
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()

Xvfb "$display" -screen 0 1100x720x24 >/dev/null 2>&1 &
pids+=($!)
sleep 1
DISPLAY="$display" LIBGL_ALWAYS_SOFTWARE=1 LANG=zh_CN.UTF-8 "$lore" --data-dir "$root/alice" &
pids+=($!)
sleep 4
window="$(DISPLAY="$display" xdotool search --sync --name '^Lore$' | head -1)"
DISPLAY="$display" xdotool windowfocus --sync "$window"
# The Credits tab (贡献榜, the fifth).
DISPLAY="$display" xdotool mousemove --window "$window" "${TAB_X:-277}" "${TAB_Y:-13}" click 1
sleep 3
DISPLAY="$display" import -window root docs/credits.png
echo "wrote docs/credits.png"
