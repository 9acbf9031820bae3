#!/usr/bin/env bash
# Development commands against the project-local services kept in .data/
# (PostgreSQL on 127.0.0.1:25432, Redis on 127.0.0.1:26379).
#
# Usage: bin/dev.sh run|migrate|demo|messages|services-stop|env|manage [ARGS...]
#
#   run            setup, start services, migrate, seed_demo, then web + worker +
#                  beat under honcho (Procfile); Ctrl-C stops all of it,
#                  PostgreSQL and Redis included
#   migrate        manage.py migrate (starts the services, leaves them running)
#   demo           migrate + seed_demo (starts the services, leaves them running)
#   messages       makemessages for ru and en, then compilemessages
#   services-stop  stop the services in .data/
#   env            print the environment the other commands run with
#   manage ARGS    manage.py ARGS with the development environment
#
# Environment: PORT (8000) and HOST (127.0.0.1) for runserver; SITE_URL follows
# them (http://HOST:PORT, the machine's name for HOST=0.0.0.0) unless
# DEV_SITE_URL names another; DEV_DATA (.data), DEV_PGPORT (25432),
# DEV_REDISPORT (26379); an optional .env.dev file is loaded first (KEY=value lines).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

if [ -f .env.dev ]; then
    set -a
    # shellcheck disable=SC1091
    . ./.env.dev
    set +a
fi

DEV_DATA=${DEV_DATA:-$ROOT/.data}
DEV_PGPORT=${DEV_PGPORT:-25432}
DEV_REDISPORT=${DEV_REDISPORT:-26379}
PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}

# The address the letters link to: the one this run serves on. A site open to the
# LAN (0.0.0.0, ::) is reached by the machine's name, not by the wildcard.
site_url() {
    local host=$HOST
    case "$host" in
        0.0.0.0 | :: | "[::]") host=$(hostname -f 2>/dev/null || hostname) ;;
        *:*) host="[$host]" ;; # an IPv6 address in a URL
    esac
    echo "http://$host:$PORT"
}

# The services below are ours: point Django at them whatever the shell says.
export DJANGO_ENV=development
export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$DEV_PGPORT
export POSTGRES_USER=collabschool POSTGRES_PASSWORD=""
export POSTGRES_DB=${POSTGRES_DB:-collabschool}
export REDIS_URL=redis://127.0.0.1:$DEV_REDISPORT/0
export CELERY_BEAT_SCHEDULE_FILE=${CELERY_BEAT_SCHEDULE_FILE:-$DEV_DATA/celerybeat-schedule}
export HOST PORT
SITE_URL=${DEV_SITE_URL:-$(site_url)}
export SITE_URL
# ...and the site answers at that address (Django refuses a Host it was not told of).
site_host=${SITE_URL#*://}
site_host=${site_host%%/*}
site_host=${site_host%:*}
case ",${DJANGO_ALLOWED_HOSTS:=localhost,127.0.0.1,[::1]}," in
    *",$site_host,"*) ;;
    *) DJANGO_ALLOWED_HOSTS="$DJANGO_ALLOWED_HOSTS,$site_host" ;;
esac
export DJANGO_ALLOWED_HOSTS
export PATH=$ROOT/.venv/bin:$PATH

say() { echo "dev: $*"; }

setup() { bash bin/setup.sh; }
services() { bash bin/services.sh "$1" "$DEV_DATA" "$DEV_PGPORT" "$DEV_REDISPORT"; }
manage() { python manage.py "$@"; }

cmd=${1:-}
[ $# -gt 0 ] && shift

case "$cmd" in
    run)
        setup
        honcho_pid=""
        cleanup() {
            local rc=$?
            trap '' INT TERM
            if [ -n "$honcho_pid" ] && kill -0 "$honcho_pid" 2>/dev/null; then
                kill -TERM "$honcho_pid" 2>/dev/null || true
                wait "$honcho_pid" 2>/dev/null || true
            fi
            services stop || true
            say "stopped"
            exit "$rc"
        }
        trap cleanup EXIT
        trap 'exit 0' INT # Ctrl-C is the normal way to stop
        trap 'exit 143' TERM

        services start
        manage migrate --noinput
        manage seed_demo
        echo
        say "open $SITE_URL/   (Ctrl-C stops web, worker, beat, PostgreSQL and Redis)"
        echo
        # In the background so that this shell's traps run at once on a signal.
        honcho start -f Procfile -e /dev/null -p "$PORT" &
        honcho_pid=$!
        wait "$honcho_pid"
        ;;
    migrate)
        setup
        services start
        manage migrate --noinput
        say "services left running in $DEV_DATA (make services-stop stops them)"
        ;;
    demo)
        setup
        services start
        manage migrate --noinput
        manage seed_demo
        say "services left running in $DEV_DATA (make run serves the site; make services-stop stops them)"
        ;;
    messages)
        setup
        manage makemessages -l ru -l en --no-wrap --ignore=.venv --ignore=node_modules \
            --ignore=staticfiles --ignore=media --ignore=.data
        manage compilemessages --ignore=.venv --ignore=node_modules
        ;;
    services-stop)
        services stop
        ;;
    env)
        for name in DJANGO_ENV HOST PORT SITE_URL DJANGO_ALLOWED_HOSTS POSTGRES_HOST POSTGRES_PORT POSTGRES_DB REDIS_URL; do
            echo "$name=${!name}"
        done
        ;;
    manage)
        manage "$@"
        ;;
    *)
        sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
        [ -z "$cmd" ] || [ "$cmd" = help ] || [ "$cmd" = -h ] || exit 2
        ;;
esac
