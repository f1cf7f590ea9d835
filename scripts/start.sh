#!/usr/bin/env bash
# `npm start`: the main job — `unipool bench` on the embedded SQLite default (no server needed).
# Extra arguments go to the command: npm start -- --url postgres://… --seconds 5
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec node bin/unipool.js bench "$@"
