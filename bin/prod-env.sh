# shellcheck shell=bash
# Sourced by bin/bench.sh and bin/loadtest.sh: production settings (DEBUG off,
# compressed manifest static files) against the throwaway PostgreSQL and Redis
# that bin/services.sh started on the given ports, over plain HTTP on 127.0.0.1
# since no proxy terminates TLS here. Collects static files and migrates.
#
#   prod_env_start PGPORT REDISPORT
prod_env_start() {
    export DJANGO_SETTINGS_MODULE=collabschool.settings
    export DJANGO_ENV=production
    DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(60))')
    export DJANGO_SECRET_KEY
    export DJANGO_SECURE_SSL_REDIRECT=0
    export DJANGO_LOG_LEVEL=WARNING
    export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$1
    export POSTGRES_USER=collabschool POSTGRES_PASSWORD="" POSTGRES_DB=collabschool
    export REDIS_URL=redis://127.0.0.1:$2/0
    unset CACHE_REDIS_URL EMAIL_HOST
    export PATH=$ROOT/.venv/bin:$PATH

    python manage.py collectstatic --noinput -v 0
    python manage.py migrate -v 0
}
