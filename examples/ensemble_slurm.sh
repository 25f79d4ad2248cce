#!/usr/bin/env bash
# An Emberfall ensemble as a Slurm job array: one shard per array task, then a dependent job merges them.
#   sbatch --array=0-15 examples/ensemble_slurm.sh SCENARIO.toml OUT_DIR [MEMBERS]
# Each task runs members I, I+N, I+2N, ... (I = SLURM_ARRAY_TASK_ID, N = SLURM_ARRAY_TASK_COUNT) into
# OUT_DIR/shard-I; the last step (submitted by task 0 with afterok on the whole array) writes the products of the
# whole ensemble into OUT_DIR/merged, identical to one unsharded run. OUT_DIR must be on a shared file system;
# SCENARIO and OUT_DIR may be relative to the folder sbatch is run from (the jobs start there).
#
# Sizing: the defaults below fit the smallest node (1 CPU, 2 GiB, an hour per shard). On bigger nodes ask more on
# the command line, which overrides these lines: sbatch --array=0-15 --cpus-per-task=8 --mem=8G --time=02:00:00
# ...; each shard uses the CPUs it is given (RAYON_NUM_THREADS below). Memory grows with the landscape, not with the
# members (the README's memory model); a shard's time with members / N.
#SBATCH --job-name=emberfall-ensemble
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=01:00:00
#SBATCH --output=emberfall-%A_%a.log
set -euo pipefail
scenario="$1"
out="$2"
members="${3:-}"
i="${SLURM_ARRAY_TASK_ID:?submit with sbatch --array=0-(N-1)}"
n="${SLURM_ARRAY_TASK_COUNT:?submit with sbatch --array=0-(N-1)}"
export RAYON_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"
extra=()
if [ -n "$members" ]; then extra+=(--members "$members"); fi
emberfall ensemble "$scenario" "${extra[@]}" --shard "$i/$n" --out "$out/shard-$i"
if [ "$i" -eq 0 ]; then
  shards=()
  for k in $(seq 0 $((n - 1))); do shards+=("$out/shard-$k"); done
  # The merge reads the shards' accumulators and writes the products: one CPU, the landscape's memory, minutes.
  sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=emberfall-merge \
    --cpus-per-task=1 --mem=2G --time=00:30:00 \
    --output="emberfall-merge-%j.log" --wrap "emberfall merge ${shards[*]} --out $out/merged"
fi
