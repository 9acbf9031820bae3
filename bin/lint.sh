#!/usr/bin/env bash
# Static analysis (`make lint`; .ci/run runs it before the tests). Runs every
# check, prints every finding, and fails if any check has one:
#   - ruff check and ruff format --check (ruff.toml);
#   - bandit over apps/ and collabschool/ (bandit.yaml: tests and migrations left
#     out); a false positive carries `# nosec BXXX # reason` on its line;
#   - import-linter (.importlinter): the apps' layers, a higher app may import
#     a lower one and never the reverse; domain apps that should not know
#     each other stay independent;
#   - django-migration-linter (`manage.py lintmigrations`) over the project's
#     migrations that are not in .migration-lint-baseline (the ones written
#     before the linter came in) nor in .migration-lint-ignore (one a line,
#     each with its reason after a `#`), against a throwaway PostgreSQL cluster
#     in a temporary folder (sqlmigrate needs a database), removed on exit.
#
# Usage: bin/lint.sh   (after bin/setup.sh; `make lint` runs both)
# Environment: LINT_PGPORT (25435), LINT_REDISPORT (26382).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
export PATH=$ROOT/.venv/bin:$PATH

LINT_PGPORT=${LINT_PGPORT:-25435}
LINT_REDISPORT=${LINT_REDISPORT:-26382}
BASELINE=.migration-lint-baseline
IGNORED=.migration-lint-ignore

failed=()

echo "lint: ruff"
ruff check . || failed+=("ruff check")
ruff format --check . || failed+=("ruff format")

echo "lint: bandit"
# bandit warns "nosec encountered, but no failed test" for every inner node of a
# multi-line string that carries a nosec: noise, not findings.
bandit -c bandit.yaml -r apps collabschool -q 2> >(grep -v 'nosec encountered' >&2) || failed+=(bandit)

echo "lint: import-linter (.importlinter)"
lint-imports --no-cache || failed+=(import-linter)

echo "lint: django-migration-linter (migrations not in $BASELINE or $IGNORED)"
LINT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/collabschool-lint.XXXXXX")
# shellcheck disable=SC2317  # called through the trap
cleanup() {
    local rc=$?
    trap '' INT TERM
    if [ -d "$LINT_DIR/services" ]; then
        bash bin/services.sh stop "$LINT_DIR/services" "$LINT_PGPORT" "$LINT_REDISPORT" >/dev/null 2>&1 || true
    fi
    rm -rf "$LINT_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

find apps -path '*/migrations/*.py' ! -name '__init__.py' | sort >"$LINT_DIR/all"
grep -v '^#' "$BASELINE" >"$LINT_DIR/skip"
if [ -f "$IGNORED" ]; then
    # "path  # reason": an ignore without a reason is itself a finding.
    if grep -v '^#' "$IGNORED" | grep -v '^[[:space:]]*$' | grep -qv '#[[:space:]]*[^[:space:]]'; then
        echo "lint: every line of $IGNORED needs its reason after a '#'" >&2
        failed+=("$IGNORED")
    fi
    grep -v '^#' "$IGNORED" | sed 's/[[:space:]]*#.*//' | grep -v '^$' >>"$LINT_DIR/skip" || true
fi
grep -vxF -f "$LINT_DIR/skip" "$LINT_DIR/all" >"$LINT_DIR/new" || true
if [ ! -s "$LINT_DIR/new" ]; then
    echo "lint: no migrations after the baseline"
else
    PG_FAST=1 bash bin/services.sh start "$LINT_DIR/services" "$LINT_PGPORT" "$LINT_REDISPORT" >/dev/null
    (
        export DJANGO_SETTINGS_MODULE=collabschool.settings DJANGO_ENV=development
        export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$LINT_PGPORT
        export POSTGRES_USER=collabschool POSTGRES_PASSWORD="" POSTGRES_DB=collabschool
        export REDIS_URL=redis://127.0.0.1:$LINT_REDISPORT/0
        python manage.py lintmigrations --no-cache --include-migrations-from "$LINT_DIR/new"
    ) || failed+=(django-migration-linter)
fi

if [ ${#failed[@]} -gt 0 ]; then
    echo "lint: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "lint: all checks passed"
