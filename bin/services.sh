#!/usr/bin/env bash
# Project-local PostgreSQL and Redis servers, all data kept under one folder.
#
# Usage: bin/services.sh start|stop|status DIR [PGPORT [REDISPORT]]
#
#   DIR/postgres      PostgreSQL cluster (initdb -U collabschool --auth=trust)
#   DIR/postgres-run  its unix socket and log (postgres.log)
#   DIR/redis         Redis pid file and log (no persistence)
#
# Both listen on 127.0.0.1 only. PGPORT defaults to 25432 and REDISPORT to
# 26379. `start` is idempotent: it waits until both accept connections and
# creates the database $POSTGRES_DB (default collabschool) if it is missing.
# PG_FAST=1 turns off fsync and friends (throwaway test clusters).
#
# PostgreSQL refuses to run as root: as root, the cluster belongs to the
# `postgres` system user and its commands run through `runuser -u postgres`.
set -euo pipefail

usage() {
    echo "usage: bin/services.sh start|stop|status DIR [PGPORT [REDISPORT]]" >&2
    exit 2
}

[ $# -ge 2 ] || usage
ACTION=$1
DIR=$2
PGPORT=${3:-25432}
REDISPORT=${4:-26379}
DBNAME=${POSTGRES_DB:-collabschool}
DBUSER=collabschool

case "$ACTION" in start | stop | status) ;; *) usage ;; esac
for p in "$PGPORT" "$REDISPORT"; do
    if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1024 ] || [ "$p" -ge 32768 ]; then
        echo "services: port $p must be a number from 1024 to 32767" >&2
        exit 2
    fi
done

say() { echo "services: $*"; }
die() {
    echo "services: $*" >&2
    exit 1
}

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

if [ "$ACTION" = start ]; then
    mkdir -p "$DIR"
elif [ ! -d "$DIR" ]; then
    [ "$ACTION" = status ] && { say "nothing in $DIR"; exit 1; }
    exit 0
fi
DIR=$(cd "$DIR" && pwd -P)
PGDATA=$DIR/postgres
PGRUN=$DIR/postgres-run
PGLOG=$PGRUN/postgres.log
REDISDIR=$DIR/redis
REDISPID=$REDISDIR/redis.pid

# --- PostgreSQL binaries -----------------------------------------------------

PGBIN=""
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && PGBIN=$d
done
if [ -z "$PGBIN" ] && command -v pg_ctl >/dev/null 2>&1; then
    PGBIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
fi
[ -n "$PGBIN" ] || die "PostgreSQL server binaries not found: run bin/setup.sh (or apt-get install postgresql)"

# Run a PostgreSQL server command as the cluster's owner.
as_pg() {
    if [ "$IS_ROOT" = 1 ]; then
        (cd "$DIR" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_running() {
    [ -f "$PGDATA/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

redis_pid() {
    local pid
    pid=$(cat "$REDISPID" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q redis-server || return 1
    echo "$pid"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# As root: make DIR reachable for the postgres user (mktemp's 0700 folders,
# a checkout under a private home) by adding the search bit where it lacks.
ensure_traversable() {
    runuser -u postgres -- test -x "$DIR" 2>/dev/null && return 0
    local d="" part
    local IFS=/
    for part in ${DIR#/}; do
        d=$d/$part
        if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
            say "chmod o+x $d (the postgres user must reach $DIR)"
            chmod o+x "$d"
        fi
    done
    runuser -u postgres -- test -x "$DIR" || die "the postgres user cannot reach $DIR"
}

start_postgres() {
    mkdir -p "$PGDATA" "$PGRUN"
    chmod 700 "$PGDATA"
    if [ "$IS_ROOT" = 1 ]; then
        if ! id postgres >/dev/null 2>&1; then
            say "creating the postgres system user"
            useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
                --shell /bin/bash postgres
        fi
        [ "$(stat -c %U "$PGDATA")" = postgres ] || chown -R postgres: "$PGDATA"
        [ "$(stat -c %U "$PGRUN")" = postgres ] || chown -R postgres: "$PGRUN"
        ensure_traversable
    fi

    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        local locale_opt=(--no-locale)
        if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
            locale_opt=(--locale=C.UTF-8)
        fi
        say "initdb $PGDATA"
        as_pg "$PGBIN/initdb" -D "$PGDATA" -U "$DBUSER" --auth=trust -E UTF8 "${locale_opt[@]}" \
            --no-sync >"$PGRUN/initdb.log" 2>&1 || {
            cat "$PGRUN/initdb.log" >&2
            die "initdb failed"
        }
        echo "include_if_exists = 'collabschool.conf'" | as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null
    fi

    # Rewritten on every start, so the port may change between runs.
    {
        echo "# Written by bin/services.sh on each start."
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PGPORT"
        echo "unix_socket_directories = '$PGRUN'"
        echo "max_connections = 100"
        if [ "${PG_FAST:-0}" = 1 ]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } | as_pg tee "$PGDATA/collabschool.conf" >/dev/null

    if pg_running; then
        say "PostgreSQL already running ($PGDATA)"
    else
        port_in_use "$PGPORT" && die "port $PGPORT is in use by another program; stop it or pick another port"
        say "starting PostgreSQL on 127.0.0.1:$PGPORT"
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 start >/dev/null || {
            tail -n 30 "$PGLOG" >&2 || true
            die "PostgreSQL did not start (log: $PGLOG)"
        }
    fi

    local i
    for i in $(seq 1 60); do
        "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -U "$DBUSER" && break
        [ "$i" = 60 ] && die "PostgreSQL does not answer on 127.0.0.1:$PGPORT (is the cluster in $PGDATA running on another port? log: $PGLOG)"
        sleep 0.5
    done

    local exists
    exists=$("$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U "$DBUSER" -d postgres -XtAq \
        -c "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'")
    if [ "$exists" != 1 ]; then
        say "creating database $DBNAME"
        "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U "$DBUSER" "$DBNAME"
    fi
}

start_redis() {
    mkdir -p "$REDISDIR"
    if redis_pid >/dev/null; then
        say "Redis already running ($REDISDIR)"
    else
        port_in_use "$REDISPORT" && die "port $REDISPORT is in use by another program; stop it or pick another port"
        say "starting Redis on 127.0.0.1:$REDISPORT"
        redis-server --bind 127.0.0.1 --port "$REDISPORT" --dir "$REDISDIR" \
            --daemonize yes --pidfile "$REDISPID" --logfile "$REDISDIR/redis.log" \
            --save "" --appendonly no >/dev/null
    fi
    local i
    for i in $(seq 1 60); do
        [ "$(redis-cli -h 127.0.0.1 -p "$REDISPORT" ping 2>/dev/null)" = PONG ] && break
        [ "$i" = 60 ] && die "Redis does not answer on 127.0.0.1:$REDISPORT (log: $REDISDIR/redis.log)"
        sleep 0.25
    done
}

stop_postgres() {
    if pg_running; then
        say "stopping PostgreSQL ($PGDATA)"
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null ||
            as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 30 stop >/dev/null
    fi
}

stop_redis() {
    local pid i
    pid=$(redis_pid) || return 0
    say "stopping Redis (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$REDISPID"
}

case "$ACTION" in
    start)
        start_postgres
        start_redis
        say "ready: postgresql://$DBUSER@127.0.0.1:$PGPORT/$DBNAME redis://127.0.0.1:$REDISPORT"
        ;;
    stop)
        stop_postgres
        stop_redis
        ;;
    status)
        rc=0
        if pg_running; then say "PostgreSQL running ($PGDATA)"; else say "PostgreSQL stopped"; rc=1; fi
        if pid=$(redis_pid); then say "Redis running (pid $pid)"; else say "Redis stopped"; rc=1; fi
        exit $rc
        ;;
esac
