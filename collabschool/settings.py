"""Settings for collabschool.

Everything comes from environment variables, with defaults that work for local
development (`make run`) and tests (`make test`). `DJANGO_ENV=production` turns
on the production checks: the app refuses to start with DEBUG on or with the
development SECRET_KEY, and `manage.py check --deploy` has nothing to report.
"""

import importlib.util
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = env("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

DEV_SECRET_KEY = "dev-insecure-collabschool-key-do-not-use-in-production"  # nosec B105 # production refuses it
SECRET_KEY = env("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY to a random value of 50+ characters when DJANGO_ENV=production."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    # `{% partialdef %}` fragments that htmx swaps; the loaders are named in TEMPLATES.
    "template_partials.apps.SimpleAppConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "apps.core",
    "apps.accounts",
    "apps.staff",
    "apps.mentoring",
    "apps.notifications",
    "apps.visits",
    "apps.teams",
    "apps.partners",
    "apps.problemdays",
    "apps.community",
    "apps.associations",
    "apps.network_events",
    "apps.help_programmes",
    "apps.recognition",
    "apps.ratings",
    "apps.calendar",
    "apps.dashboards",
    "apps.surveys",
    "apps.audit",
    "apps.privacy",
    # The top layer: they use every app above, and no app imports them.
    "apps.demo",
    "apps.benchmark",
]
# The migration linter of `make lint` (`manage.py lintmigrations`): a development
# tool from requirements-dev.txt, never installed in production.
if ENVIRONMENT != "production" and importlib.util.find_spec("django_migration_linter"):
    INSTALLED_APPS.append("django_migration_linter")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (see CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.RussianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, carrying over sessions of Django's own ModelBackend to ours (below).
    "apps.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Ends a session idle or signed in for too long, before anything else looks at the user.
    "apps.accounts.middleware.SessionTimeoutMiddleware",
    "apps.accounts.middleware.CurrentSchoolMiddleware",
    # After the school is known: `request.staff`, the user's card there (looked up on first use).
    "apps.staff.middleware.CurrentStaffMiddleware",
    # After the user and school are known: the request id, actor and school
    # for the audit trail and the logs.
    "apps.core.request_context.RequestContextMiddleware",
    # After the school is known: a change made in a school forgets its people's cached to-dos.
    "apps.core.todos.TodosChangedMiddleware",
    # Inside the request context: one log line per request (apps/core/logs.py).
    "apps.core.logs.RequestLogMiddleware",
    # After the school is known (an administrator's roles come with it): sends a user
    # who owes a second factor to set it up or type a code, whatever page they asked for.
    "apps.accounts.middleware.TwoFactorMiddleware",
    # Axes goes last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "collabschool.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # "page.html#fragment" renders one `{% partialdef %}` of a page (htmx swaps).
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials", "apps.core.templatetags.icons"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.accounts.context_processors.current_school",
                "apps.notifications.context_processors.notifications",
                "apps.core.todos.todos_context",
            ],
        },
    },
]

WSGI_APPLICATION = "collabschool.wsgi.application"

# PostgreSQL is the only database, tests included.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": env("POSTGRES_DB", "collabschool"),
        "USER": env("POSTGRES_USER", "collabschool"),
        "PASSWORD": env("POSTGRES_PASSWORD", ""),
        "HOST": env("POSTGRES_HOST", "127.0.0.1"),
        "PORT": env("POSTGRES_PORT", "25432"),
        "CONN_MAX_AGE": int(env("POSTGRES_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": env("POSTGRES_TEST_DB", "test_collabschool")},
    }
}
# The hot queries (apps/core/prepared.py) as server-side prepared statements, which skip
# PostgreSQL's planning; only where connections persist (CONN_MAX_AGE) and each is one
# session (not a pooler that switches server connections per transaction).
PREPARED_STATEMENTS = env_bool("POSTGRES_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:26379/0")
CACHES = {
    "default": {
        # Django's, with one client per connection pool instead of one per call.
        "BACKEND": "apps.core.cache.RedisCache",
        "LOCATION": env("CACHE_REDIS_URL", REDIS_URL.rsplit("/", 1)[0] + "/1"),
        "KEY_PREFIX": "collabschool",
        # Sessions are read from here on every signed-in request: a Redis that is down
        # or frozen costs a request at most this long before the session is read from
        # PostgreSQL instead (apps/core/sessions.py).
        "OPTIONS": {
            "socket_connect_timeout": float(env("CACHE_TIMEOUT", "0.5")),
            "socket_timeout": float(env("CACHE_TIMEOUT", "0.5")),
        },
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend reading a request's user and memberships in one query.
    "apps.accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Throttle repeated failed logins: 5 failures for one e-mail from one address
# lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "apps.accounts.throttling.login_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address for throttling, the audit trail and the logs: behind this
# many proxies, each appending the address it saw to X-Forwarded-For, it is that
# many entries from the right (apps.core.request_context.client_ip); 0: the socket's.
PROXY_COUNT = int(env("AXES_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "apps.core.request_context.client_ip"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The default zone for a new school; each request runs in its school's zone.
TIME_ZONE = "Europe/Moscow"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# What bin/build-static.mjs generates (bin/setup.sh runs it): build/site.css, Bootstrap cut
# down to what the templates use plus css/app.css, the one stylesheet pages link, and
# build/icons.svg, the sprite of the icons that {% icon %} draws.
BUILD_STATIC_DIR = BASE_DIR / ".build" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("build", BUILD_STATIC_DIR),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# WhiteNoise serves the static files in every environment (runserver included, through
# whitenoise.runserver_nostatic). Outside production it finds them where they lie
# (static/, node_modules) and sees edits at once (browsers keep nothing), so `make run`,
# whose DEBUG is off, needs no collectstatic; production serves what collectstatic gathered.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_MAX_AGE = 60 if PRODUCTION else 0
# Files browsers ask for at the site's root whatever page links (/favicon.ico),
# answered before any sign-in or two-factor step.
WHITENOISE_ROOT = BASE_DIR / "webroot"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"
# Files: up to 5 MB an upload is held in memory, a larger one streams to a
# temporary file; how large a file may be at all is each form's check
# (apps.core.uploads.validate_upload: 20 MB, 5 MB for a staff list).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The rest of a request body (form fields, files aside). Every text people type
# has a limit (apps.core.validation); the largest forms at their limits, a
# protocol of 60 items or a feedback, URL-encoded in Cyrillic (6 bytes a
# letter), are about 125 KB. A body over 1 MB is no form of ours: Django stops
# reading it, and apps.core.views.bad_request answers 413 (a page, or a note
# for htmx) rather than 400 or 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Inputs, textareas and selects built in Python, the markup of Django's widget templates
# (apps/core/form_rendering.py).
FORM_RENDERER = "apps.core.form_rendering.WidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# E-mail: the console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / ".data" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "collabschool <noreply@collabschool.local>")
# Each exchange with the mail server gives up after this many seconds, so that one
# send stays well inside its lease (below).
EMAIL_TIMEOUT = float(env("EMAIL_TIMEOUT", "10"))
# A worker sending a notification's e-mail leases the row for this long: a worker
# that died mid-send leaves a lease that expires, and the e-mail sweep sends the
# letter then. The sweep runs every NOTIFICATION_EMAIL_SWEEP_SECONDS and takes the
# letters still unsent this long after their notification was made, in batches,
# until none is left; a letter whose worker died is out within lease + interval.
NOTIFICATION_EMAIL_LEASE_SECONDS = int(env("NOTIFICATION_EMAIL_LEASE_SECONDS", "45"))
NOTIFICATION_EMAIL_SWEEP_SECONDS = int(env("NOTIFICATION_EMAIL_SWEEP_SECONDS", "60"))
NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = int(env("NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS", "30"))
NOTIFICATION_EMAIL_SWEEP_BATCH = int(env("NOTIFICATION_EMAIL_SWEEP_BATCH", "500"))
# The daily digests' sweep: a digest goes out within this many seconds of its hour.
NOTIFICATION_DIGEST_SWEEP_SECONDS = int(env("NOTIFICATION_DIGEST_SWEEP_SECONDS", "300"))

# Celery: Redis is the broker; tasks are acknowledged late so a worker that dies
# mid-task leaves the message for another one (tasks are idempotent).
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A broker that is down or frozen never holds up a request (apps/core/tasks.py):
# connecting and each socket read give up after BROKER_TIMEOUT seconds, a publish
# is tried twice (the second time on a fresh connection, for a Redis that has
# restarted), and after a failure a process sends nothing for
# ENQUEUE_BACKOFF_SECONDS; the beat sweeps catch up from the database.
BROKER_TIMEOUT = float(env("BROKER_TIMEOUT", "1"))
_ONE_QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_TIMEOUT,
    "socket_connect_timeout": BROKER_TIMEOUT,
    **_ONE_QUICK_RETRY,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = _ONE_QUICK_RETRY
ENQUEUE_BACKOFF_SECONDS = float(env("ENQUEUE_BACKOFF_SECONDS", "10"))
# Tests of beat (tests/faults) run every interval of beat's schedule times this.
BEAT_INTERVAL_SCALE = float(env("BEAT_INTERVAL_SCALE", "1"))
# Visits the deadline sweep flags overdue in one transaction.
VISITS_SWEEP_BATCH = int(env("VISITS_SWEEP_BATCH", "500"))
# Year summaries behind the dashboards: how often beat rewrites them, and how many
# academic years back they go.
DASHBOARD_SUMMARY_MINUTES = int(env("DASHBOARD_SUMMARY_MINUTES", "10"))
DASHBOARD_SUMMARY_YEARS = int(env("DASHBOARD_SUMMARY_YEARS", "15"))

# Beat's schedule is not set here: each app registers its sweeps with apps/core/sweeps.py
# (in its AppConfig.ready), and collabschool/celery.py builds the schedule from them.

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Sessions live in PostgreSQL and are read from Redis (the default cache above): a
# signed-in request reads its session without a query. A session is written (to both)
# only when it changes, at most once a minute for the idle timeout below. Ending a
# session (sign-out, erasure) removes it from both.
SESSION_ENGINE = "apps.core.sessions"

# How long a person's «Мои дела» (the navbar's count, the start page's list) may be
# read from Redis before it is counted again; a change in the school drops it at
# once (apps/core/todos.py). 0 turns the cache off (the tests do, but for its own).
PERSON_CACHE_SECONDS = int(env("PERSON_CACHE_SECONDS", "60"))
# How long the signed-in person (user, memberships, schools) is kept beside the session
# in Redis between requests; any change to them drops it at once (apps/accounts/snapshots.py).
SIGNED_IN_SNAPSHOT_SECONDS = int(env("SIGNED_IN_SNAPSHOT_SECONDS", "30"))
# A signed-in session ends after this long without a request, and this long after sign-in
# whatever happens (hours in the environment).
SESSION_IDLE_TIMEOUT = int(float(env("SESSION_IDLE_TIMEOUT_HOURS", "3")) * 3600)
SESSION_ABSOLUTE_TIMEOUT = int(float(env("SESSION_ABSOLUTE_TIMEOUT_HOURS", "12")) * 3600)

# The audit page's XLSX is built while the administrator waits: a filtered list longer
# than this is refused with a request to narrow the filters.
AUDIT_EXPORT_MAX_ROWS = int(env("AUDIT_EXPORT_MAX_ROWS", "50000"))

# Two-factor sign-in (TOTP with recovery codes) is mandatory for school administrators and
# network coordinators when this is on; anyone may turn it on for themselves either way.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
# Wrong codes one session may type before it has to sign in with the password again.
TWO_FACTOR_MAX_ATTEMPTS = int(env("TWO_FACTOR_MAX_ATTEMPTS", "5"))
OTP_TOTP_ISSUER = "collabschool"
# The Django admin never shows an authenticator's key (nor its QR code or otpauth://
# page) or the recovery codes of an existing device: a superuser can delete a lost one,
# not copy it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"

# Response headers in every environment, so that development and the tests see
# what production sends; only HSTS (below) waits for HTTPS. Pages load scripts
# and styles from the site's own static files only: no inline script, style or
# event handler (static/js/app.js wires data-confirm, data-print and the like).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap's CSS draws its form and navbar icons from data: URLs.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs go to stderr: one JSON object a line in production, a readable line in
# development (DJANGO_LOG_FORMAT=json|plain overrides). Every record carries
# request_id, user_id and school_id (task_id and task_name in a worker), and
# passwords, tokens and feedback texts are masked (see apps/core/logs.py).
LOG_FORMAT = env("DJANGO_LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "apps.core.logs.ContextFilter"},
        "redact": {"()": "apps.core.logs.RedactFilter"},
    },
    "formatters": {
        "plain": {
            "()": "apps.core.logs.PlainFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {
            "()": "apps.core.logs.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(school_id)s "
            "%(task_id)s %(task_name)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint tells every step of a PDF at INFO: only its warnings and errors are news.
        "weasyprint": {"level": "WARNING"},
        # Django's own handlers (a console one when DEBUG is on, mail to ADMINS) would
        # print an error's traceback, PostgreSQL's DETAIL with it, before the redacting
        # console above: its records go to the root's handler only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
# Django's error reports (debug page, mail to ADMINS) hide sensitive POST values too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "apps.core.logs.ExceptionReporterFilter"
# The worker and beat log through LOGGING above rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# /healthz (apps/core/health.py): the worker's heartbeat (beat sends it every
# minute) is stale after HEALTH_WORKER_MAX_AGE seconds, a sweep after twice its
# interval plus HEALTH_SWEEP_MARGIN; the broker's ping gives up after
# HEALTH_BROKER_TIMEOUT seconds.
HEALTH_WORKER_MAX_AGE = int(env("HEALTH_WORKER_MAX_AGE", "300"))
HEALTH_SWEEP_MARGIN = int(env("HEALTH_SWEEP_MARGIN", "300"))
HEALTH_BROKER_TIMEOUT = float(env("HEALTH_BROKER_TIMEOUT", "0.5"))

# The address people open the site at, for links in e-mails.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Demo data: the password every demo login gets unless seed_demo is told otherwise.
DEMO_PASSWORD = env("DEMO_PASSWORD", "demo-school-2026")
