#!/usr/bin/env bash
# `npm start`: the main job on the embedded SQLite default — no server needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec npx tsx examples/http-workload.ts "$@"
