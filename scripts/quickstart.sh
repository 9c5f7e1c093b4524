#!/usr/bin/env bash
# The README's first command: set up a fresh machine, build every package, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm build
pnpm demo "$@"
