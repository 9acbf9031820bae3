#!/usr/bin/env bash
# Restore a dump of bin/backup.sh into a FRESH database beside the live one,
# then print how to point the app at it. The live database is never touched.
#
# Usage: bin/restore.sh FILE    (make restore FILE=backups/collabschool-....dump)
# Environment: the connection as for bin/backup.sh (POSTGRES_HOST, ...; the
# POSTGRES_DB name is the base of the new database's name);
#   TARGET_DB          the database to restore into (default
#                      <POSTGRES_DB>_restore_<UTC timestamp>); created when
#                      missing, used when it exists and is empty;
#   RESTORE_OVERWRITE  1 to drop and recreate TARGET_DB when it already holds
#                      tables (otherwise refused);
#   RESTORE_ANY_VERSION 1 to restore a dump of another PostgreSQL major version
#                      (otherwise refused).
# pg_restore runs with --no-owner --exit-on-error in one transaction: the
# restore is all or nothing, and a database this script created is dropped
# again when it fails.
set -euo pipefail

SCRIPT=restore
FILE=${1:-${FILE:-}}
[ -n "$FILE" ] || {
    echo "usage: bin/restore.sh FILE   (make restore FILE=backups/collabschool-....dump)" >&2
    exit 2
}
[ -f "$FILE" ] || {
    echo "restore: no such file: $FILE" >&2
    exit 2
}
FILE=$(cd "$(dirname "$FILE")" && pwd -P)/$(basename "$FILE")

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bin/pg-common.sh
. bin/pg-common.sh

TARGET_DB=${TARGET_DB:-${DBNAME}_restore_$(utc_stamp | tr 'A-Z' 'a-z')}
[[ "$TARGET_DB" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] ||
    die "TARGET_DB must be lower-case letters, digits and _ (at most 63): $TARGET_DB"
# Restoring over the live database is a different, manual operation: stop the
# app, then point it at the restored database (printed at the end).
[ "$TARGET_DB" != "$DBNAME" ] ||
    die "TARGET_DB is the live database $DBNAME: restore beside it, then switch POSTGRES_DB"

major=$(server_major postgres)
PG_RESTORE=$(pg_tool pg_restore "$major")

# The archive's header names the server it was dumped from.
dumped=$("$PG_RESTORE" --list "$FILE" 2>/dev/null | sed -nE 's/^;[[:space:]]+Dumped from database version: ([0-9]+).*/\1/p') ||
    true
[ -n "$dumped" ] || die "$FILE is not a pg_dump custom-format archive"
if [ "$dumped" != "$major" ] && [ "${RESTORE_ANY_VERSION:-0}" != 1 ]; then
    die "$FILE was dumped from PostgreSQL $dumped but the server is $major (RESTORE_ANY_VERSION=1 to try anyway)"
fi

exists=$(sql postgres -v db="$TARGET_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")
created=0
if [ "$exists" = 1 ]; then
    relations=$(sql "$TARGET_DB" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")
    if [ "$relations" != 0 ]; then
        [ "${RESTORE_OVERWRITE:-0}" = 1 ] ||
            die "database $TARGET_DB already holds $relations tables and other objects; pick another TARGET_DB or set RESTORE_OVERWRITE=1 to drop it first"
        echo "restore: dropping $TARGET_DB (RESTORE_OVERWRITE=1)" >&2
        sql postgres -c "DROP DATABASE \"$TARGET_DB\" WITH (FORCE)"
        exists=0
    fi
fi
if [ "$exists" != 1 ]; then
    sql postgres -c "CREATE DATABASE \"$TARGET_DB\""
    created=1
fi

cleanup() {
    local rc=$?
    if [ "$rc" != 0 ] && [ "$created" = 1 ]; then
        echo "restore: dropping the half-made database $TARGET_DB" >&2
        sql postgres -c "DROP DATABASE IF EXISTS \"$TARGET_DB\" WITH (FORCE)" || true
    fi
    exit "$rc"
}
trap cleanup EXIT

echo "restore: $FILE → database $TARGET_DB on $PGHOST:$PGPORT (PostgreSQL $major)" >&2
"$PG_RESTORE" --no-owner --exit-on-error --single-transaction --dbname="$TARGET_DB" "$FILE" ||
    die "pg_restore failed; nothing was restored"

cat <<EOF
Restored $FILE into the database $TARGET_DB.
To point the app at it, set POSTGRES_DB=$TARGET_DB and restart web, worker and beat:
  - locally:        POSTGRES_DB=$TARGET_DB make run
  - Docker Compose: set POSTGRES_DB: $TARGET_DB for the app services (x-app environment), then docker compose up -d
Check it first, e.g.: psql -h $PGHOST -p $PGPORT -U $PGUSER -d $TARGET_DB -c 'SELECT count(*) FROM visits_lessonvisit'
EOF
