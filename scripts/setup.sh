#!/usr/bin/env bash
# Installs what a fresh machine needs for the main job: pnpm (pinned) and the workspace's
# dependencies. `--test` also installs the test path's system tools (scripts/test-tools.sh:
# chromium, redis-server), which `pnpm test` installs by itself too.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

if [ "${1:-}" = "--test" ]; then
  bash scripts/test-tools.sh
fi

pnpm install --frozen-lockfile
