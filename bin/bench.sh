#!/usr/bin/env bash
# The benchmark: setup, a throwaway PostgreSQL cluster and Redis in
# a temporary folder (removed on exit, whatever happens), migrate, generate the
# regional dataset (bench_generate), then time the dashboards and list pages
# in-process and under gunicorn + wrk (bench_run). The table is printed and
# written to .data/bench/last.md.
#
# Usage: bin/bench.sh
# Environment (defaults in brackets): BENCH_SCHOOLS (200), BENCH_STAFF (25 per
# school), BENCH_VISITS (1000000), BENCH_YEARS (10), BENCH_REPEAT (50 timed
# requests per page), BENCH_DURATION (10 s of wrk per page), BENCH_PGPORT
# (25434), BENCH_REDISPORT (26381). A quick smoke run:
#   BENCH_SCHOOLS=20 BENCH_VISITS=20000 BENCH_REPEAT=5 BENCH_DURATION=2 bin/bench.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

BENCH_PGPORT=${BENCH_PGPORT:-25434}
BENCH_REDISPORT=${BENCH_REDISPORT:-26381}

bash bin/setup.sh

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        echo "bench: wrk (the load tool) is missing; install it first: sudo apt-get install -y wrk" >&2
        exit 1
    fi
    echo "bench: installing wrk with apt-get"
    apt-get update -qq || echo "bench: warning: apt-get update reported errors; trying the install anyway"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
fi

BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/collabschool-bench.XXXXXX")
# shellcheck disable=SC2317  # called through the trap
cleanup() {
    local rc=$?
    trap '' INT TERM
    bash bin/services.sh stop "$BENCH_DIR" "$BENCH_PGPORT" "$BENCH_REDISPORT" >/dev/null 2>&1 || true
    rm -rf "$BENCH_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Throwaway data: no fsync, as for the tests.
PG_FAST=1 bash bin/services.sh start "$BENCH_DIR" "$BENCH_PGPORT" "$BENCH_REDISPORT"

# Production settings against those services (bin/prod-env.sh).
. bin/prod-env.sh
prod_env_start "$BENCH_PGPORT" "$BENCH_REDISPORT"
python manage.py bench_generate \
    --schools "${BENCH_SCHOOLS:-200}" \
    --staff-per-school "${BENCH_STAFF:-25}" \
    --visits "${BENCH_VISITS:-1000000}" \
    --years "${BENCH_YEARS:-10}"
python manage.py bench_run \
    --repeat "${BENCH_REPEAT:-50}" \
    --duration "${BENCH_DURATION:-10}"

# First paint on a phone: Lighthouse on the demo, with throwaway services of its own.
bash bin/lighthouse.sh
