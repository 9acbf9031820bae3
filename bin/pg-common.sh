# Shared by bin/backup.sh and bin/restore.sh (sourced, not run).
#
# Connection: the app's own POSTGRES_* variables, defaulting to the local
# cluster that `make run` keeps in .data/ (127.0.0.1:25432, user and database
# collabschool). They become libpq's PG* variables, so no password ever
# appears on a command line.
#
# pg_tool NAME prints the path of the PostgreSQL client NAME (pg_dump,
# pg_restore) whose major version is the server's: a pg_dump older than the
# server refuses to dump it, and one newer writes archives the server's own
# pg_restore cannot read.

export PGHOST=${POSTGRES_HOST:-127.0.0.1}
export PGPORT=${POSTGRES_PORT:-25432}
export PGUSER=${POSTGRES_USER:-collabschool}
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    export PGPASSWORD=$POSTGRES_PASSWORD
fi
DBNAME=${POSTGRES_DB:-collabschool}

die() {
    echo "$SCRIPT: $*" >&2
    exit 1
}

# Any psql will do to ask the server its version.
any_psql() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/psql" ] && { echo "$d/psql"; return 0; }
    done
    command -v psql || return 1
}

PSQL=$(any_psql) || die "psql not found: run bin/setup.sh (or apt-get install postgresql-client)"

# psql against database $1 (default: the maintenance database), then SQL args.
sql() {
    local db=$1
    shift
    "$PSQL" -X -q -t -A -v ON_ERROR_STOP=1 -d "$db" "$@"
}

server_major() {
    local num
    num=$(sql "${1:-postgres}" -c "SHOW server_version_num") ||
        die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER (is it running? for the local one: make migrate)"
    echo $((num / 10000))
}

pg_tool() {
    local name=$1 major=$2 candidate version
    for candidate in "/usr/lib/postgresql/$major/bin/$name" "$(command -v "$name" || true)"; do
        [ -n "$candidate" ] && [ -x "$candidate" ] || continue
        version=$("$candidate" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')
        if [ "$version" = "$major" ]; then
            echo "$candidate"
            return 0
        fi
    done
    die "no $name of PostgreSQL $major found (the server's version); install postgresql-client-$major"
}

utc_stamp() { date -u +%Y%m%dT%H%M%SZ; }
