#!/usr/bin/env bash
# Rebuilds Symbola-Lore.ttf: Symbola (free for any use, see Symbola-LICENSE.txt) cut down
# to arrows, technical and geometric symbols, dingbats (✔ ✘ ❤), and the emoticons and
# pictographs agents put in replies (🙏 😊 😔 👍), so they render on machines without an
# emoji font. egui draws outlines only, so a colour emoji font would not do.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-symbola
dpkg-deb -x fonts-symbola_*.deb x
python3 -m pip install --quiet fonttools
pyftsubset x/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf \
    --unicodes="U+2190-21FF,U+2300-23FF,U+25A0-25FF,U+2600-27BF,U+2B00-2BFF,U+1F300-1F5FF,U+1F600-1F64F,U+1F680-1F6FF,U+1F900-1F9FF" \
    --no-hinting --desubroutinize --output-file="$here/Symbola-Lore.ttf"
echo "wrote $here/Symbola-Lore.ttf"
