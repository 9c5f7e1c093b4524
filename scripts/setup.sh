#!/usr/bin/env bash
# Installs everything a fresh machine needs: pnpm (pinned), the workspace's dependencies, and
# Debian's chromium (report-page browser test) and redis-server (distributed rollout tests) when missing and apt-get is available.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

if [ -f scripts/system-packages.txt ] && command -v apt-get >/dev/null 2>&1; then
  missing=""
  for pkg in $(grep -v '^#' scripts/system-packages.txt); do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  fi
fi

pnpm install --frozen-lockfile
