#!/usr/bin/env bash
# Installs what hearsay needs on a fresh Debian machine: Debian's packages (never a downloaded browser) and the npm
# dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# Debian packages: chromium (browser shell, e2e), serf (the peer hearsay is measured against and attaches to),
# iptables (on-the-wire byte counts and loss in the peer benchmark).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v serf >/dev/null 2>&1 || missing+=(serf)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian's ${missing[*]} (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "setup: installing npm dependencies"
npm ci --no-audit --no-fund --loglevel=error
echo "setup: bundling the hearsay command"
npm run --silent build:cli
