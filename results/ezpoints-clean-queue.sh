#!/usr/bin/env bash
# EZPoints from clean warm starts (192 noise-free oracle episodes, 10 epochs; the preset: 96 episodes
# at 20% noise, 12 epochs): SFT per seed, then the RL algorithms from each at the comparison's
# budget. Safe to stop and start again (--skip-done resumes or skips each run).
set -uo pipefail
cd "$(dirname "$0")/.."
CLEAN=(--tag clean192 --set sft.data.episodes=192 --set sft.data.noise=0 --set sft.train.epochs=10 --set sft.train.evalFraction=0.05 --eval 1000 --skip-done)
for s in ${SEEDS:-1 2 3}; do node results/reproduce.mjs ezpoints --stage sft --seed "$s" "${CLEAN[@]}"; done
for a in ${ALGOS:-grpo ppo rloo gigpo}; do
  for s in ${SEEDS:-1 2 3}; do node results/reproduce.mjs ezpoints --stage ppo --seed "$s" --algorithm "$a" "${CLEAN[@]}"; done
done
