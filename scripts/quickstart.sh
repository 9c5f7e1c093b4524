#!/usr/bin/env bash
# The README's first command: set up a fresh machine, build every package, then run the main job:
# oracle episodes of every env written as pictures (demo-output/), and a short training run of the
# tiny VLM on NumberLine (SFT warm start, then PPO) with a before/after table and an HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm build
node apps/cli/bin/rl4vlm.js demo
node apps/cli/bin/rl4vlm.js train --preset quickstart --name quickstart --force "$@"
