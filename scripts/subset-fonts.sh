#!/usr/bin/env bash
# Regenerates the embedded fonts in fonts/ (zstd-compressed subsets, `*.otf.zst`):
#
# * from Debian's fonts-noto-cjk (OFL-1.1): the SC faces of Noto Serif CJK Regular (宋体 role)
#   and Noto Sans CJK Bold (黑体 role), subset to the ranges below;
# * from Debian's texlive-lang-chinese (the Fandol fonts, GPL-3 with the font exception):
#   FandolFang Regular (仿宋 role) and FandolKai Regular (楷体 role) of the gbt9704 house style,
#   subset to GB 2312 (FandolKai: its level 1, the 3,755 common characters) plus every character
#   the booklets in data/ and the templates use.
#
# Without hinting. Needs: apt-get install fonts-noto-cjk texlive-lang-chinese zstd;
# pip install fonttools. `--compress-only` just recompresses the .otf files already in fonts/.
set -euo pipefail
cd "$(dirname "$0")/.."
noto=/usr/share/fonts/opentype/noto
fandol=${FANDOL:-/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol}
# Basic Latin, Latin-1, General Punctuation, superscripts, letterlike, number forms, arrows,
# math operators, enclosed alphanumerics (①…⑳), box drawing, geometric shapes, CJK symbols
# and punctuation, CJK Unified Ideographs (whole block), half/full-width forms, plus a few
# symbols used in budget texts (≥ ≤ ± × ÷ ‰ ℃ №).
# No OpenType layout features are kept: in subsets this large, fontTools' rewritten GSUB makes
# Typst's shaper produce glyph 0 for “ ” ； (tested), and CJK body text needs none of them.
ranges="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2070-209F,U+2100-218F,U+2190-21FF,U+2200-22FF,\
U+2460-24FF,U+2500-257F,U+25A0-25FF,U+3000-303F,U+3200-32FF,U+4E00-9FFF,U+FF00-FFEF,U+00D7,U+00F7,U+2030,U+2103,U+2116"
common=(--no-hinting --layout-features='' --name-IDs='*' --name-languages='*' --notdef-outline --recommended-glyphs)
if [[ ${1:-} != --compress-only ]]; then
  pyftsubset "$noto/NotoSerifCJK-Regular.ttc" --font-number=2 --unicodes="$ranges" --desubroutinize "${common[@]}" --output-file=fonts/NotoSerifCJKsc-Regular-subset.otf
  pyftsubset "$noto/NotoSansCJK-Bold.ttc" --font-number=2 --unicodes="$ranges" --desubroutinize "${common[@]}" --output-file=fonts/NotoSansCJKsc-Bold-subset.otf
  # GB 2312 (rows 0xA1–0xF7; `levels` 1: rows up to 0xD7) plus the characters of data/ and templates/.
  chars() {
    python3 - "$1" <<'PY'
import glob, sys
last = 0xD7 if sys.argv[1] == "1" else 0xF7
cs = set()
for b1 in range(0xA1, last + 1):
    for b2 in range(0xA1, 0xFF):
        try:
            cs.add(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
for f in glob.glob("data/**/*.yaml", recursive=True) + glob.glob("templates/**/*.jinja", recursive=True):
    cs |= set(open(f, encoding="utf-8").read())
print(",".join("U+%04X" % ord(c) for c in sorted(cs) if ord(c) >= 0x20))
PY
  }
  pyftsubset "$fandol/FandolFang-Regular.otf" --unicodes="U+0020-007E,$(chars 2)" "${common[@]}" --output-file=fonts/FandolFang-Regular-subset.otf
  pyftsubset "$fandol/FandolKai-Regular.otf" --unicodes="U+0020-007E,$(chars 1)" "${common[@]}" --output-file=fonts/FandolKai-Regular-subset.otf
fi
# Compressed as the binary embeds them (src/write/pdf.rs decompresses each once, on first use):
# the four together then fit a stripped binary under 60 MB.
for f in fonts/*.otf; do zstd -q -f --ultra -22 "$f" -o "$f.zst"; done
ls -l fonts/*.otf fonts/*.otf.zst
