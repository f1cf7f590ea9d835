#!/usr/bin/env bash
# Installs what the project needs on a fresh clone: npm packages (native ones built, as allowed in
# package.json's allowScripts) and the compiled library. Cheap when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages…"
  # `npm install`, not `npm ci`: npm 11 leaves some optional platform packages (rollup's) out of the
  # lockfile, and `npm ci` then refuses it as out of sync. The locked versions are still used.
  npm install --no-audit --no-fund
fi
# A clone copied from another machine may carry a binary built for another Node: rebuild when it fails to load.
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; then
  echo "setup: building better-sqlite3…"
  npm rebuild better-sqlite3
fi
echo "setup: compiling TypeScript…"
npm run --silent build
