#!/usr/bin/env bash
# The load test: setup, a throwaway PostgreSQL cluster and Redis in
# a temporary folder (removed on exit, whatever happens), migrate, the demo
# (seed_demo), gunicorn (2 workers) on 127.0.0.1 and a Celery worker, then
# locust headless (tests/load/locustfile.py) in its own virtualenv
# (.venv-loadtest, from requirements-loadtest.txt). Afterwards the table (requests,
# 5xx and p95 per page) is printed and written to .data/loadtest/last.md, and the
# integrity check (tests/load/check.py) finds every save the scenario was
# confirmed in the database exactly once.
#
# Usage: bin/loadtest.sh
# Environment (defaults in brackets): LOADTEST_SECONDS (60), LOADTEST_USERS (20),
# LOADTEST_PGPORT (25436), LOADTEST_REDISPORT (26383), LOADTEST_HTTPPORT (18435),
# LOADTEST_KEEP=1 keeps the run's folder (logs, plan, locust's CSV files).
# Exit status: 1 if any answer was a 5xx or the integrity check failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

SECONDS_TO_RUN=${LOADTEST_SECONDS:-60}
USERS=${LOADTEST_USERS:-20}
LOADTEST_PGPORT=${LOADTEST_PGPORT:-25436}
LOADTEST_REDISPORT=${LOADTEST_REDISPORT:-26383}
LOADTEST_HTTPPORT=${LOADTEST_HTTPPORT:-18435}

say() { echo "loadtest: $*"; }

bash bin/setup.sh

# locust brings gevent: it gets a virtualenv of its own, remade when its
# requirements change.
LVENV=$ROOT/.venv-loadtest
stamp=$LVENV/.collabschool-requirements.sha256
want=$(sha256sum <requirements-loadtest.txt | cut -d' ' -f1)
if [ ! -x "$LVENV/bin/locust" ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    say "installing locust into .venv-loadtest"
    rm -rf "$LVENV"
    "$ROOT/.venv/bin/python" -m venv "$LVENV"
    "$LVENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-loadtest.txt
    echo "$want" >"$stamp"
fi

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/collabschool-loadtest.XXXXXX")
PIDS=()
# shellcheck disable=SC2317  # called through the trap
cleanup() {
    local rc=$?
    trap '' INT TERM
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    bash bin/services.sh stop "$RUN_DIR" "$LOADTEST_PGPORT" "$LOADTEST_REDISPORT" >/dev/null 2>&1 || true
    if [ "${LOADTEST_KEEP:-0}" = 1 ]; then
        echo "loadtest: logs, plan and locust's files kept in $RUN_DIR"
    else
        rm -rf "$RUN_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if (exec 3<>"/dev/tcp/127.0.0.1/$LOADTEST_HTTPPORT") 2>/dev/null; then
    echo "loadtest: port $LOADTEST_HTTPPORT is in use; set LOADTEST_HTTPPORT" >&2
    exit 1
fi

PG_FAST=1 bash bin/services.sh start "$RUN_DIR" "$LOADTEST_PGPORT" "$LOADTEST_REDISPORT"

# Production settings against those services (bin/prod-env.sh); the locustfile
# sends the Secure cookies over plain HTTP anyway.
. bin/prod-env.sh
prod_env_start "$LOADTEST_PGPORT" "$LOADTEST_REDISPORT"
say "seeding the demo"
python manage.py seed_demo >"$RUN_DIR/seed_demo.log"
python -m tests.load.prepare "$RUN_DIR/plan.json"

celery -A collabschool worker --pool=solo -l WARNING >"$RUN_DIR/worker.log" 2>&1 &
PIDS+=($!)
gunicorn collabschool.wsgi --workers 2 --bind "127.0.0.1:$LOADTEST_HTTPPORT" \
    --access-logfile /dev/null --error-logfile "$RUN_DIR/gunicorn.log" &
PIDS+=($!)
for i in $(seq 1 120); do
    if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "http://127.0.0.1:$LOADTEST_HTTPPORT/accounts/login/" 2>/dev/null; then
        break
    fi
    [ "$i" = 120 ] && { tail -n 30 "$RUN_DIR/gunicorn.log" >&2; echo "loadtest: gunicorn did not answer" >&2; exit 1; }
    sleep 0.5
done

say "$USERS users for ${SECONDS_TO_RUN} s against http://127.0.0.1:$LOADTEST_HTTPPORT"
: >"$RUN_DIR/submissions.log"
LOADTEST_PLAN=$RUN_DIR/plan.json LOADTEST_SUBMISSIONS=$RUN_DIR/submissions.log LOADTEST_STATUS=$RUN_DIR/status.json \
    "$LVENV/bin/locust" -f tests/load/locustfile.py --headless --only-summary \
    --users "$USERS" --spawn-rate "$(((USERS + 4) / 5))" --run-time "${SECONDS_TO_RUN}s" \
    --host "http://127.0.0.1:$LOADTEST_HTTPPORT" --csv "$RUN_DIR/locust" --loglevel WARNING \
    >"$RUN_DIR/locust.log" 2>&1 || true # its exit status counts 4xx too; the 5xx are counted below

# The site stops before the check, so that nothing is still being written.
for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
done
wait "${PIDS[@]}" 2>/dev/null || true
PIDS=()

mkdir -p .data/loadtest
OUT=.data/loadtest/last.md
rc=0
{
    echo "Load test: $USERS users, ${SECONDS_TO_RUN} s, gunicorn 2 workers on 127.0.0.1 ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
} >"$OUT.head"
"$LVENV/bin/python" tests/load/report.py "$RUN_DIR/status.json" "$OUT.table" || rc=1
if [ -s "$RUN_DIR/locust_failures.csv" ] && [ "$(wc -l <"$RUN_DIR/locust_failures.csv")" -gt 1 ]; then
    echo
    echo "Failures (as locust reports them):"
    cat "$RUN_DIR/locust_failures.csv"
fi
echo
python -m tests.load.check "$RUN_DIR/submissions.log" | tee "$OUT.check" || rc=1
cat "$OUT.head" "$OUT.table" - "$OUT.check" <<<"" >"$OUT"
rm -f "$OUT.head" "$OUT.table" "$OUT.check"
echo
if [ "$rc" = 0 ]; then
    say "passed (table in $OUT)"
else
    say "FAILED: 5xx answers or the integrity check (see above; table in $OUT)" >&2
fi
exit "$rc"
