#!/usr/bin/env bash
# Blackjack from clean warm starts (4,096 noise-free oracle episodes, 4 epochs): SFT per seed, then
# the RL algorithms from each. Safe to stop and start again (--skip-done resumes or skips each run).
set -uo pipefail
cd "$(dirname "$0")/.."
CLEAN=(--tag clean4096 --set sft.data.episodes=4096 --set sft.data.noise=0 --set sft.train.epochs=4 --set sft.train.evalFraction=0.05 --eval 3000 --skip-done)
for s in ${SEEDS:-1 2 3}; do node results/reproduce.mjs blackjack --stage sft --seed "$s" "${CLEAN[@]}"; done
for a in ${ALGOS:-grpo ppo rloo gigpo}; do
  for s in ${SEEDS:-1 2 3}; do node results/reproduce.mjs blackjack --stage ppo --seed "$s" --algorithm "$a" "${CLEAN[@]}"; done
done
