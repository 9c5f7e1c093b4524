#!/bin/sh
# results/run.sh <name> <rl4vlm train args...>: runs one training row in the background-friendly way,
# logging the exact command to results/commands.log and output to results/logs/<name>.log.
set -e
cd "$(dirname "$0")/.."
name="$1"; shift
mkdir -p results/logs
echo "$(date -u +%FT%TZ) node apps/cli/bin/rl4vlm.js train --runs-dir results/runs -n $name --no-baselines --force $*" >> results/commands.log
start=$(date +%s)
node apps/cli/bin/rl4vlm.js train --runs-dir results/runs -n "$name" --no-baselines --force "$@" > "results/logs/$name.log" 2>&1
echo "wall_seconds=$(( $(date +%s) - start ))" >> "results/logs/$name.log"
