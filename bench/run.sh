#!/usr/bin/env bash
# rhc's benchmark (issue 7). Full run: bench/run.sh  (about 15 minutes on
# 2 cores; writes bench/results/results.{md,json} and callgrind files).
# Smoke test: bench/run.sh --quick  (N = 3 and 1,000, one run each, peers
# skipped when not installed; exit 1 when an output differs from rhc's).
# Other options: see bench/bench.py --help. Needs build/rhc (ninja -C build)
# and, for the peers, bench/install-deps.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" "$here/bench.py" "$@"
