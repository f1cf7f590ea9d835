#!/usr/bin/env bash
# `npm test`: everything, from a fresh clone — install, build, servers, typecheck, lint, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/ensure-servers.sh
if ! command -v chromium >/dev/null 2>&1 && [ -d test/browser ]; then
  echo "test: installing Chromium for the docs browser test (apt-get)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || {
    echo "test: could not install Chromium: run apt-get update && apt-get install -y chromium" >&2; exit 1; }
fi

if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
  echo "test: installing PgBouncer for the transaction-mode tests (apt-get)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null) || {
    echo "test: could not install PgBouncer: run apt-get update && apt-get install -y pgbouncer" >&2; exit 1; }
fi

echo "test: typecheck"; npm run --silent typecheck
echo "test: lint"; npm run --silent lint
echo "test: mocha"
npx mocha --reporter ./test/support/summary-reporter.cjs 'test/**/*.test.ts' "$@"
# Pipelining is on by default on PostgreSQL and MySQL; the contract suite once more with it off (about 20 s).
echo "test: postgres and mysql contract suite with pipeline: false"
UNIPOOL_ENGINES=postgres,mysql UNIPOOL_TEST_PIPELINE=false npx mocha --reporter ./test/support/summary-reporter.cjs 'test/integration/contract/*.test.ts'
