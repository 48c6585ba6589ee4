#!/usr/bin/env bash
# Validates DOCX files three ways; exits non-zero if any check fails for any file:
#   1. openxml-audit --format office2019 (pure-Python port of the Open XML SDK validator)
#      must report 0 errors;
#   2. LibreOffice must convert the file to PDF (headless);
#   3. python-docx must open it and find Heading styles and at least one table.
#
# Needs: pip install openxml-audit python-docx; apt-get install libreoffice-writer-nogui.
# Usage: scripts/validate-docx.sh FILE.docx...   (KEEP_PDF=DIR keeps the PDFs in DIR)
set -uo pipefail

if [ "$#" -lt 1 ]; then
  echo "usage: $0 FILE.docx..." >&2
  exit 2
fi
for tool in openxml-audit python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
soffice=$(command -v libreoffice || command -v soffice) || { echo "missing: libreoffice" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
  echo "FAIL: $*" >&2
  failed=1
}

for file in "$@"; do
  echo "== $file"
  if [ ! -f "$file" ]; then
    fail "$file: no such file"
    continue
  fi

  # 1. Schema and semantics.
  audit=$(openxml-audit --format office2019 --max-errors 0 "$file" 2>&1)
  errors=$(printf '%s\n' "$audit" | sed -n 's/^Errors: *\([0-9][0-9]*\).*/\1/p' | tail -n1)
  if [ "${errors:-}" = "0" ]; then
    echo "openxml-audit: 0 errors"
  else
    printf '%s\n' "$audit" >&2
    fail "$file: openxml-audit reported ${errors:-an unreadable result}"
  fi

  # 2. LibreOffice converts it (own profile dir: no clash with a running instance).
  out="$tmp/pdf"
  mkdir -p "$out"
  pdf="$out/$(basename "${file%.*}").pdf"
  rm -f "$pdf"
  if timeout 180 "$soffice" -env:UserInstallation="file://$tmp/lo-profile" --headless \
      --convert-to pdf --outdir "$out" "$file" >"$tmp/lo.log" 2>&1 && [ -s "$pdf" ]; then
    echo "libreoffice: converted to PDF ($(wc -c <"$pdf") bytes)"
    if [ -n "${KEEP_PDF:-}" ]; then
      mkdir -p "$KEEP_PDF" && cp "$pdf" "$KEEP_PDF/"
    fi
  else
    cat "$tmp/lo.log" >&2
    fail "$file: libreoffice could not convert it"
  fi

  # 3. python-docx opens it and sees the structure.
  if python3 - "$file" <<'PY'
import sys
import docx

d = docx.Document(sys.argv[1])
headings = [p for p in d.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
print(f"python-docx: {len(d.paragraphs)} paragraphs, {len(headings)} headings, {len(d.tables)} tables, "
      f"{len(d.sections)} sections")
if not headings:
    sys.exit("python-docx: no paragraph in a Heading style")
if not d.tables:
    sys.exit("python-docx: no table")
for t in d.tables:
    t.rows[0].cells  # resolves merged cells; raises on a malformed grid
PY
  then
    :
  else
    fail "$file: python-docx check"
  fi
done

exit "$failed"
