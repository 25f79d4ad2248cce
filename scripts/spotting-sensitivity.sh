#!/usr/bin/env bash
# The demo scenario's (examples/kairos_2024.toml, one failure, 2 h) response to each spotting parameter, changed one
# at a time from the defaults: embers launched and landed, spot fires, burned area, landed embers' mean distance and
# the share landed beyond half of behave's maximum spotting distance. Prints the Markdown table README.md carries.
# Usage: bash scripts/spotting-sensitivity.sh   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/emberfall"
work="$(mktemp -d)"
sc="examples/.spotting-sensitivity-$$.toml" # beside the scenario, so its relative paths hold
trap 'rm -rf "$work" "$sc"' EXIT
echo "| [spotting] | embers launched | landed | spot fires | burned, ha | landed mean distance, m | landed beyond half of behave's maximum |"
echo "|---|---|---|---|---|---|---|"
while IFS= read -r extra; do
  { cat examples/kairos_2024.toml; printf '\n[spotting]\n%s\n' "$extra"; } > "$sc"
  rm -rf "$work/o"
  "$bin" run "$sc" --backend cpu --out "$work/o" > "$work/log" 2>&1 || { echo "failed: $extra" >&2; tail -3 "$work/log" >&2; exit 1; }
  python3 - "${extra:-defaults}" "$work/o/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[2]))["spread"]
sp = s.get("spotting") or {}
print(f"| `{sys.argv[1]}` | {sp.get('embers_launched', 0)} | {sp.get('embers_landed', 0)} | {sp.get('spot_fires', 0)} "
      f"| {s['burned_area_ha']:.1f} | {sp.get('landed_mean_distance_m', 0):.0f} "
      f"| {100 * sp.get('landed_beyond_half_max_share', 0):.0f} % |")
PY
done <<'LIST'

enabled = false
embers_per_ha_per_mw = 5
embers_per_ha_per_mw = 20
max_embers_per_cell = 10
max_embers_per_cell = 200
surface_intensity_kw_per_m = 2000
surface_intensity_kw_per_m = 500
spot_delay = "5min"
spot_delay = "20min"
distance_model = "sardoy"
elmfire_a = 2.5
elmfire_a = 10
elmfire_d_m = 1000
launch = "farsite"
spot_probability = 0.2
torching_trees = 1
torching_trees = 20
LIST
