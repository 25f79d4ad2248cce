#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 600) each, one after another, from the seeds in seeds/; print each
# target's executions and crashes. Needs nightly and cargo-fuzz: `cargo install cargo-fuzz`.
set -u
cd "$(dirname "$0")"
secs=${1:-600}
for t in scenario_toml weather_csv fragment_csv fuel_model_csv ignition_attributes durations; do
    mkdir -p corpus/$t
    cargo +nightly fuzz run -O $t corpus/$t seeds/$t -- -max_total_time=$secs -rss_limit_mb=4096 -print_final_stats=1 \
        > logs/$t.log 2>&1
    echo "$t: exit $? $(grep -E '^stat::number_of_executed_units' logs/$t.log | awk '{print $2}') executions, $(ls artifacts/$t 2>/dev/null | wc -l) crash files"
done
