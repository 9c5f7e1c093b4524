#!/usr/bin/env bash
# RESULTS.md "Which algorithm": PPO, GRPO, RLOO and GiGPO from the same SFT warm start per seed
# (runs tagged r2), two runs at a time (one per core). Each line is one `results/reproduce.mjs` run;
# per seed, the two warm starts, then the eight RL runs from them. Finished runs are skipped
# (--skip-done), so the queue can be stopped and started again.
set -u
cd "$(dirname "$0")/.."
run() { xargs -P "${PARALLEL:-2}" -L 1 sh -c 'node results/reproduce.mjs "$@" --skip-done > /dev/null 2>&1 || echo "failed: $*"' _; }
for seed in ${SEEDS:-1 2 3}; do
  for env in numberline ezpoints; do echo "$env --stage sft --seed $seed --tag r2 --eval 1000"; done | run
  for a in gigpo ppo grpo rloo; do
    for env in numberline ezpoints; do echo "$env --stage ppo --seed $seed --tag r2 --algorithm $a --eval 1000"; done
  done | run
done
