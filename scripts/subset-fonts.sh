#!/usr/bin/env bash
# Regenerates the embedded fonts in fonts/ from Debian's fonts-noto-cjk (OFL-1.1):
# the SC faces of Noto Serif CJK Regular (宋体 role) and Noto Sans CJK Bold (黑体 role),
# subset to the ranges below, without hinting. Needs: apt-get install fonts-noto-cjk;
# pip install fonttools.
set -euo pipefail
cd "$(dirname "$0")/.."
src=/usr/share/fonts/opentype/noto
# Basic Latin, Latin-1, General Punctuation, superscripts, letterlike, number forms, arrows,
# math operators, enclosed alphanumerics (①…⑳), box drawing, geometric shapes, CJK symbols
# and punctuation, CJK Unified Ideographs (whole block), half/full-width forms, plus a few
# symbols used in budget texts (≥ ≤ ± × ÷ ‰ ℃ №).
# No OpenType layout features are kept: in subsets this large, fontTools' rewritten GSUB makes
# Typst's shaper produce glyph 0 for “ ” ； (tested), and CJK body text needs none of them.
ranges="U+0020-007E,U+00A0-00FF,U+2000-206F,U+2070-209F,U+2100-218F,U+2190-21FF,U+2200-22FF,\
U+2460-24FF,U+2500-257F,U+25A0-25FF,U+3000-303F,U+3200-32FF,U+4E00-9FFF,U+FF00-FFEF,U+00D7,U+00F7,U+2030,U+2103,U+2116"
common=(--unicodes="$ranges" --no-hinting --desubroutinize --layout-features='' \
        --name-IDs='*' --name-languages='*' --notdef-outline --recommended-glyphs)
pyftsubset "$src/NotoSerifCJK-Regular.ttc" --font-number=2 "${common[@]}" --output-file=fonts/NotoSerifCJKsc-Regular-subset.otf
pyftsubset "$src/NotoSansCJK-Bold.ttc" --font-number=2 "${common[@]}" --output-file=fonts/NotoSansCJKsc-Bold-subset.otf
ls -l fonts/*.otf
