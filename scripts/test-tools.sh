#!/usr/bin/env bash
# The test path's system tools, from scripts/system-packages.txt (chromium: the report-page and
# playground browser tests; redis-server: the distributed rollout tests). Installed through apt
# when missing and apt-get is there; without root or sudo rights it says which tests will skip
# instead of asking for a password. The main job (scripts/quickstart.sh) needs none of them.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f scripts/system-packages.txt ] || exit 0
command -v apt-get >/dev/null 2>&1 || exit 0
missing=""
for pkg in $(grep -v '^#' scripts/system-packages.txt); do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "test tools missing:$missing (install them with apt-get; the tests that need them skip)" >&2
    exit 0
  fi
fi
echo "installing test tools:$missing" >&2
$SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
