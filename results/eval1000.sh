#!/bin/sh
# results/eval1000.sh <run> [N]: N (default 1,000) seeded greedy episodes (seeds 1,000,000…) of a
# run's newest checkpoint (or its SFT checkpoint) → results/runs/<run>/eval-N/eval.json.
set -e
cd "$(dirname "$0")/.."
run="$1"
n="${2:-1000}"
cmd="node apps/cli/bin/rl4vlm.js eval --run results/runs/$run -n $n --set eval.numEnvs=32 --gallery 0 -o results/runs/$run/eval-$n"
echo "$(date -u +%FT%TZ) $cmd" >> results/commands.log
start=$(date +%s)
$cmd > "results/logs/$run-eval$n.log" 2>&1
echo "wall_seconds=$(( $(date +%s) - start ))" >> "results/logs/$run-eval$n.log"
