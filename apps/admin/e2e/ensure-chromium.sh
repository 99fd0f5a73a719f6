#!/usr/bin/env bash
# Installs Debian's chromium for the admin console's browser tests when it is missing.
# playwright-core drives it; no browser is downloaded by playwright itself.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing and this script is not root: run 'apt-get update && apt-get install -y chromium'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
