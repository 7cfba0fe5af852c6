#!/usr/bin/env bash
# Rebuilds NotoSansSC-Lore.otf: Noto Sans CJK SC (SIL Open Font License 1.1, see OFL.txt)
# cut down to the characters a support team's library needs, so the app renders Chinese
# on machines with no Chinese fonts installed, without shipping the 20 MB original.
# Characters: ASCII, Latin-1, general and CJK punctuation, arrows, box drawing, circled
# numbers, fullwidth forms, every GB2312 character, Big5 level 1 (common Traditional),
# and every character in fixtures/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-noto-cjk
dpkg-deb -x fonts-noto-cjk_*.deb x
python3 -m pip install --quiet fonttools
python3 - "$root/fixtures" > chars.txt <<'PY'
import os, sys
chars = set()
for lo, hi in [(0x20, 0x7f), (0xa0, 0x100), (0x2000, 0x2070), (0x2100, 0x2200),
               (0x2460, 0x2700), (0x3000, 0x3040), (0xff00, 0xfff0)]:
    chars.update(chr(c) for c in range(lo, hi))
def decode(encoding, firsts, seconds):
    for a in firsts:
        for b in seconds:
            try:
                chars.add(bytes([a, b]).decode(encoding))
            except UnicodeDecodeError:
                pass
decode("gb2312", range(0xa1, 0xf8), range(0xa1, 0xff))
decode("big5", range(0xa4, 0xc7), list(range(0x40, 0x7f)) + list(range(0xa1, 0xff)))
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        try:
            chars.update(open(os.path.join(folder, name), encoding="utf-8").read())
        except (UnicodeDecodeError, OSError):
            pass
sys.stdout.write("".join(sorted(c for c in chars if c.isprintable())))
PY
# Face 2 of the collection is Simplified Chinese.
pyftsubset x/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc --font-number=2 \
    --text-file=chars.txt --layout-features='*' --no-hinting \
    --output-file="$here/NotoSansSC-Lore.otf"
ls -l "$here/NotoSansSC-Lore.otf"
