#!/usr/bin/env bash
# Make sure axe-core (the accessibility rules run inside the page by tests/test_browser_accessibility.py) is in
# node_modules/ at the repository root. Without npm or the network the accessibility test skips, with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f node_modules/axe-core/axe.min.js ]; then exit 0; fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing; install Debian's 'npm' package (the accessibility test will be skipped)" >&2
  exit 0
fi
echo "Installing axe-core@4 into node_modules/..." >&2
npm install --no-save --no-audit --no-fund --no-package-lock --prefix . axe-core@4 >&2 \
  || echo "could not install axe-core (the accessibility test will be skipped)" >&2
