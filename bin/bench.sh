#!/usr/bin/env bash
# The benchmark: setup, a throwaway PostgreSQL cluster and Redis in
# a temporary folder (removed on exit, whatever happens), then, with production
# settings:
#   1. the demo school (seed_demo in its own database): the signed-in floor and the
#      most used pages in-process and under gunicorn + wrk beside a minimal Django
#      view (bench_run --demo → .data/bench/demo.md);
#   2. every page of the demo as each persona, in-process (pytest -m speed,
#      tests/speed → .data/bench/pages-*.md);
#   3. the regional dataset (bench_generate), the dashboards and list pages
#      in-process and under wrk (bench_run → .data/bench/last.md).
# Every step runs whatever the one before found; the script fails at the end if any
# goal was missed.
#
# Usage: bin/bench.sh
# Environment (defaults in brackets): BENCH_SCHOOLS (200), BENCH_STAFF (25 per
# school), BENCH_VISITS (1000000), BENCH_YEARS (10), BENCH_MATERIALS (100000
# community materials), BENCH_COMMENTS (500000 comments), BENCH_REPEAT (50 timed
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
failed=()

echo "bench: the demo school"
# Its own Redis database for the cache: ids repeat from one database to the next.
export CACHE_REDIS_URL=redis://127.0.0.1:$BENCH_REDISPORT/2
POSTGRES_DB=collabschool_demo bash bin/services.sh start "$BENCH_DIR" "$BENCH_PGPORT" "$BENCH_REDISPORT" >/dev/null
POSTGRES_DB=collabschool_demo python manage.py migrate -v 0
POSTGRES_DB=collabschool_demo python manage.py seed_demo >/dev/null
POSTGRES_DB=collabschool_demo python manage.py bench_run --demo \
    --repeat "${BENCH_REPEAT:-50}" \
    --duration "${BENCH_DURATION:-10}" || failed+=("the demo's pages")

echo "bench: every page of the demo, in-process"
export CACHE_REDIS_URL=redis://127.0.0.1:$BENCH_REDISPORT/3
# The tests' own database next to the others, with the same production settings.
BENCH_PAGE_REPEAT=${BENCH_PAGE_REPEAT:-15} python -m pytest -m speed -p no:randomly -q tests/speed ||
    failed+=("every page of the demo")

echo "bench: the regional dataset"
unset CACHE_REDIS_URL
python manage.py bench_generate \
    --schools "${BENCH_SCHOOLS:-200}" \
    --staff-per-school "${BENCH_STAFF:-25}" \
    --visits "${BENCH_VISITS:-1000000}" \
    --years "${BENCH_YEARS:-10}" \
    --materials "${BENCH_MATERIALS:-100000}" \
    --comments "${BENCH_COMMENTS:-500000}"
python manage.py bench_run \
    --repeat "${BENCH_REPEAT:-50}" \
    --duration "${BENCH_DURATION:-10}" || failed+=("the regional dataset")

# First paint on a phone: Lighthouse on the demo, with throwaway services of its own.
echo "bench: first paint on a phone (bin/lighthouse.sh)"
bash bin/lighthouse.sh || failed+=("first paint on a phone")

if [ ${#failed[@]} -gt 0 ]; then
    printf 'bench: FAILED: goals missed in: %s\n' "$(IFS=,; echo "${failed[*]}")" >&2
    exit 1
fi
echo "bench: every goal met"
