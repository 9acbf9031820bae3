#!/usr/bin/env bash
# Prepare this checkout for development and tests. Idempotent and quick when
# nothing changed:
#   - system programs: PostgreSQL server, Redis, gettext (msgfmt), Node/npm,
#     a Java runtime (the tests' HTML checker, vnu.jar), and with --browser
#     also Chromium (for the Playwright tests);
#     installed with apt-get when running as root, otherwise named in one line;
#   - .venv with requirements-dev.txt (reinstalled only when the requirements
#     files change: stamp in .venv/);
#   - node_modules from package-lock.json via `npm ci` (only when the lock
#     changes: stamp in node_modules/);
#   - the generated static files in .build/static/ (bin/build-static.mjs: the
#     cut-down stylesheet and the icon sprite; only when a template, app.css,
#     our JavaScript or an app's Python changed: stamp in .build/static/);
#   - compiled translations (manage.py compilemessages).
#
# Usage: bin/setup.sh [--browser]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

WANT_BROWSER=0
for arg in "$@"; do
    case "$arg" in
        --browser) WANT_BROWSER=1 ;;
        -h | --help)
            sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "setup: unknown argument: $arg (usage: bin/setup.sh [--browser])" >&2
            exit 2
            ;;
    esac
done

say() { echo "setup: $*"; }

PYTHON=${PYTHON:-python3}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# --- system programs ---------------------------------------------------------

pg_bin_dir() {
    # The newest /usr/lib/postgresql/N/bin with a server, else wherever
    # pg_ctl is on PATH.
    local d best=""
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            best=$d
        fi
    done
    if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        best=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
    fi
    [ -n "$best" ] && echo "$best"
}

missing=()
pgdir=$(pg_bin_dir || true)
if [ -z "$pgdir" ] || [ ! -x "$pgdir/pg_isready" ] || [ ! -x "$pgdir/psql" ]; then
    missing+=(postgresql)
fi
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The Nu HTML Checker (npm's vnu-jar) that validates every page in the tests.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
# WeasyPrint draws the PDFs with Pango and HarfBuzz, in a font with Cyrillic.
has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
has_lib libpango-1.0.so.0 || missing+=(libpango-1.0-0)
has_lib libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
has_lib libharfbuzz-subset.so.0 || missing+=(libharfbuzz-subset0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "$WANT_BROWSER" = 1 ] && [ ! -x "$CHROMIUM" ]; then
    missing+=(chromium)
fi
if [ "$(id -u)" = 0 ] && ! command -v runuser >/dev/null 2>&1; then
    missing+=(util-linux)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "setup: missing system packages; install them first: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    say "installing with apt-get: ${missing[*]}"
    # A failing third-party source must not stop the install from Debian's.
    apt-get update -qq || say "warning: apt-get update reported errors; trying the install anyway"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    if [ -z "$(pg_bin_dir || true)" ]; then
        echo "setup: PostgreSQL server binaries still not found after installing postgresql" >&2
        exit 1
    fi
fi

# --- Python virtual environment -----------------------------------------------

VENV=$ROOT/.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say "creating .venv with $("$PYTHON" --version 2>&1)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi

req_stamp=$VENV/.collabschool-requirements.sha256
req_hash=$(
    {
        "$VENV/bin/python" -c 'import sys; print(sys.version)'
        cat requirements.txt requirements-dev.txt
    } | sha256sum | cut -d' ' -f1
)
if [ "$(cat "$req_stamp" 2>/dev/null || true)" != "$req_hash" ]; then
    say "installing Python packages from requirements-dev.txt"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    echo "$req_hash" >"$req_stamp"
fi

# --- front-end packages (vendored static files) ---------------------------------

npm_stamp=$ROOT/node_modules/.collabschool-lock.sha256
if [ -f package-lock.json ]; then
    npm_hash=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$npm_stamp" 2>/dev/null || true)" != "$npm_hash" ]; then
        say "installing front-end packages (npm ci)"
        npm ci --no-audit --no-fund --loglevel=error
        echo "$npm_hash" >"$npm_stamp"
    fi
else
    say "package-lock.json is missing: creating it with npm install (commit it)"
    npm install --no-audit --no-fund --loglevel=error
    cat package.json package-lock.json | sha256sum | cut -d' ' -f1 >"$npm_stamp"
fi

# --- generated static files (the one stylesheet, the icon sprite) ---------------

PYTHON="$VENV/bin/python" node bin/build-static.mjs

# --- translations ------------------------------------------------------------

if [ -n "$(find locale -name '*.po' -print -quit 2>/dev/null)" ]; then
    "$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
fi

exit 0
