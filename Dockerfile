# syntax=docker/dockerfile:1
# collabschool production image: gunicorn serving Django, static files served by
# WhiteNoise from STATIC_ROOT. The same image runs the Celery worker and beat
# (see docker-compose.yml).

# --- front-end packages (bootstrap, bootstrap-icons, htmx, purgecss) from package-lock.json;
# the development tools among them (lighthouse) stay out
FROM node:20-bookworm-slim AS node
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Python packages, compiled translations, collected static files
FROM python:3.11-slim-bookworm AS build
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libstdc++6 \
    && rm -rf /var/lib/apt/lists/*
# Node for bin/build-static.mjs only (the cut-down stylesheet and the icon sprite); the
# runtime image has none.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
COPY --from=node /build/node_modules ./node_modules
# Production settings refuse the development key: give collectstatic a
# throwaway one that exists only during this step.
RUN export DJANGO_ENV=production \
        DJANGO_SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    && python manage.py compilemessages --ignore=node_modules -v 0 \
    && PYTHON=python node bin/build-static.mjs \
    && python manage.py collectstatic --noinput -v 0

# --- runtime
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_ENV=production
# WeasyPrint's libraries and a font with Cyrillic for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
RUN mkdir -p /app/media && chown app:app /app/media
USER app
EXPOSE 8000
# Extra gunicorn options via GUNICORN_CMD_ARGS (e.g. "--workers 5"). No gunicorn
# access log: the app logs every request itself, as JSON with its request id.
CMD ["gunicorn", "collabschool.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--no-control-socket"]
