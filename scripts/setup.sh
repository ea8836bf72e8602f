#!/usr/bin/env bash
# Installs what hearsay needs on a fresh Debian machine: Chromium (the browser shell and the e2e tests use Debian's
# build, never a downloaded one) and the npm dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "setup: installing npm dependencies"
npm ci --no-audit --no-fund --loglevel=error
echo "setup: bundling the hearsay command"
npm run --silent build:cli
