#!/usr/bin/env bash
# The whole check: setup (Chromium included), a throwaway PostgreSQL cluster
# and Redis in a temporary folder (removed on exit, whatever happens), the
# missing-migrations check, then pytest.
#
# Usage: bin/test.sh            (PYTEST_ARGS="-k login -x" bin/test.sh)
# Environment: PYTEST_ARGS, TEST_PGPORT (25433), TEST_REDISPORT (26380),
# TEST_SPLIT (1: the whole suite runs the fault tests beside the rest; 0: one process).
# Exit code: pytest's; 1 if pytest passed but models lack migrations.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

TEST_PGPORT=${TEST_PGPORT:-25433}
TEST_REDISPORT=${TEST_REDISPORT:-26380}

bash bin/setup.sh --browser

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/collabschool-test.XXXXXX")
# shellcheck disable=SC2317  # called through the trap
cleanup() {
    local rc=$?
    trap '' INT TERM
    bash bin/services.sh stop "$TEST_DIR" "$TEST_PGPORT" "$TEST_REDISPORT" >/dev/null 2>&1 || true
    rm -rf "$TEST_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PG_FAST=1 bash bin/services.sh start "$TEST_DIR" "$TEST_PGPORT" "$TEST_REDISPORT"

export DJANGO_SETTINGS_MODULE=collabschool.settings
export DJANGO_ENV=development
export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$TEST_PGPORT
export POSTGRES_USER=collabschool POSTGRES_PASSWORD="" POSTGRES_DB=collabschool
export REDIS_URL=redis://127.0.0.1:$TEST_REDISPORT/0
unset CACHE_REDIS_URL EMAIL_HOST
# Browser tests launch Debian's Chromium (never a downloaded build).
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export PATH=$ROOT/.venv/bin:$PATH

migrations_rc=0
echo "test: checking for model changes without migrations"
python manage.py makemigrations --check --dry-run || migrations_rc=$?
if [ "$migrations_rc" != 0 ]; then
    echo "test: FAILED: models changed without migrations (run: bin/dev.sh manage makemigrations)" >&2
fi

pytest_rc=0
if [ -n "${PYTEST_ARGS:-}" ] || [ "${TEST_SPLIT:-1}" = 0 ]; then
    # PYTEST_ARGS is split on spaces on purpose.
    # shellcheck disable=SC2086
    pytest ${PYTEST_ARGS:-} || pytest_rc=$?
else
    # The whole suite in two processes at once: the fault tests mostly wait for
    # real beat intervals and leases (a minute or so each) and use little CPU, so
    # they run beside the rest, on a test database and Redis database of their
    # own, instead of after it.
    FAULTS_LOG=$TEST_DIR/faults.log
    (
        export POSTGRES_DB=collabschool POSTGRES_TEST_DB=test_collabschool_faults
        export REDIS_URL=redis://127.0.0.1:$TEST_REDISPORT/1
        exec pytest -p no:randomly tests/faults >"$FAULTS_LOG" 2>&1
    ) &
    faults_pid=$!
    set +e
    pytest --ignore=tests/faults 2>&1 | tee "$TEST_DIR/main.log"
    main_rc=${PIPESTATUS[0]}
    set -e
    faults_rc=0
    wait "$faults_pid" || faults_rc=$?
    echo "test: the fault tests, run beside the rest:"
    cat "$FAULTS_LOG"
    # One closing line for the whole suite, from both runs' summaries.
    python - "$TEST_DIR/main.log" "$FAULTS_LOG" <<'PY'
import re
import sys

totals = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
for path in sys.argv[1:]:
    lines = [line for line in open(path, encoding="utf-8", errors="replace") if re.search(r" in [0-9.]+s", line)]
    for count, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", lines[-1] if lines else ""):
        totals[word.rstrip("s") if word.startswith("error") else word] += int(count)
failed = totals["failed"] + totals["error"]
print(f"{totals['passed']} passed, {failed} failed, {totals['skipped']} skipped")
PY
    if [ "$main_rc" != 0 ]; then
        pytest_rc=$main_rc
    elif [ "$faults_rc" != 0 ]; then
        pytest_rc=$faults_rc
    fi
fi

if [ "$pytest_rc" != 0 ]; then
    exit "$pytest_rc"
fi
if [ "$migrations_rc" != 0 ]; then
    exit 1
fi
exit 0
