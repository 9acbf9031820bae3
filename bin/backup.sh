#!/usr/bin/env bash
# A backup of the app's database: pg_dump in custom format (-Fc: compressed,
# restorable table by table with pg_restore) into
# backups/collabschool-<UTC timestamp>.dump. Prints the file's path.
#
# Usage: bin/backup.sh          (make backup)
# Environment: POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD,
# POSTGRES_DB as for the app, defaulting to the local database of `make run`
# (127.0.0.1:25432, collabschool); BACKUP_DIR (backups/ in the checkout).
# Exit code: non-zero when the dump failed; no partial file is left behind.
# Restore with bin/restore.sh FILE (make restore FILE=...).
set -euo pipefail

SCRIPT=backup
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bin/pg-common.sh
. bin/pg-common.sh

BACKUP_DIR=${BACKUP_DIR:-$PWD/backups}
mkdir -p "$BACKUP_DIR"
# Dumps hold personal data: readable by their owner only.
umask 077

major=$(server_major "$DBNAME")
PG_DUMP=$(pg_tool pg_dump "$major")

target=$BACKUP_DIR/collabschool-$(utc_stamp).dump
n=1
while [ -e "$target" ]; do
    target=$BACKUP_DIR/collabschool-$(utc_stamp)-$n.dump
    n=$((n + 1))
done
partial=$target.partial
trap 'rm -f "$partial"' EXIT

echo "backup: dumping $DBNAME from $PGHOST:$PGPORT (PostgreSQL $major) with $PG_DUMP" >&2
"$PG_DUMP" --format=custom --dbname="$DBNAME" --file="$partial" || die "pg_dump failed; no backup was written"
mv "$partial" "$target"
trap - EXIT
echo "$target"
