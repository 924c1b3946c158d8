#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (no browser downloads: Playwright drives it).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium is missing; install Debian's 'chromium' package (browser tests will be skipped)" >&2
  exit 0
fi
echo "Installing Chromium from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq chromium fonts-dejavu-core >&2
