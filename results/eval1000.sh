#!/bin/sh
# results/eval1000.sh <run>: 1,000 seeded greedy episodes (seeds 1,000,000…1,000,999) of a run's
# newest checkpoint (or its SFT checkpoint) → results/runs/<run>/eval-1000/eval.json.
set -e
cd "$(dirname "$0")/.."
run="$1"
cmd="node apps/cli/bin/rl4vlm.js eval --run results/runs/$run -n 1000 --set eval.numEnvs=32 --gallery 0 -o results/runs/$run/eval-1000"
echo "$(date -u +%FT%TZ) $cmd" >> results/commands.log
start=$(date +%s)
$cmd > "results/logs/$run-eval1000.log" 2>&1
echo "wall_seconds=$(( $(date +%s) - start ))" >> "results/logs/$run-eval1000.log"
