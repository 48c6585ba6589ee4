#!/usr/bin/env bash
# Builds the seed corpus fuzz/corpus/load_render/ from the YAML files of the repository.
# Each seed is: one byte = the slot (index in SLOTS of fuzz_targets/load_render.rs), then the
# file's content. Run from anywhere; existing corpus entries are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus/load_render
mkdir -p "$out"
slots=(department.yaml tables/01-summary.yaml tables/02-income.yaml tables/03-expenditure.yaml
  tables/04-fiscal.yaml tables/05-general-budget.yaml tables/06-basic-detail.yaml
  tables/07-gov-fund.yaml tables/08-soe-capital.yaml tables/09-three-public.yaml
  tables/10-statistics.yaml explanation.yaml glossary.yaml projects/p01.yaml
  projects/p02.yaml projects/p03.yaml projects/p99.yaml)
slot_of() { # relative path → slot index (any other project file → the p99 slot)
  local i
  for i in "${!slots[@]}"; do [[ ${slots[$i]} == "$1" ]] && { echo "$i"; return; }; done
  [[ $1 == projects/*.yaml || $1 == projects/*.yml ]] && { echo 16; return; }
  echo -1
}
add() { # slot file
  local tmp; tmp=$(mktemp)
  printf "\\x$(printf %02x "$1")" >"$tmp"
  cat "$2" >>"$tmp"
  mv "$tmp" "$out/$(sha1sum "$tmp" | cut -c1-40)"
}
n=0
for base in tests/fixtures/clean data/lanxian-kfq-2024 tests/bad-input/*/; do
  base=${base%/}
  while IFS= read -r -d '' f; do
    rel=${f#"$base"/}
    s=$(slot_of "$rel")
    ((s >= 0)) || continue
    add "$s" "$f"
    n=$((n + 1))
  done < <(find "$base" -type f \( -name '*.yaml' -o -name '*.yml' \) -size -64k -print0)
done
# fuzz/regressions/ is not copied: run it on its own (see fuzz/README.md), so that a known,
# not yet fixed crash does not stop every fuzzing run at startup.
echo "seeded $n files into $out ($(ls "$out" | wc -l) entries)"
