"""Dakghar settings, read from the environment (django-environ).

Two run modes share this file:
- embedded (default): SQLite under var/, Celery on kombu's filesystem transport,
  local-memory cache, SMS printed to the console;
- production: DATABASE_URL (PostgreSQL) and REDIS_URL set, DEBUG off.

A bad or missing value that matters fails loudly at start-up instead of guessing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


class _Env(environ.Env):
    """django-environ, except that a yes/no value must be one: django-environ reads
    DEBUG=maybe or SECURE_SSL_REDIRECT=flase as False without a word."""

    YES_NO = ("true", "on", "ok", "y", "yes", "1", "false", "off", "no", "n", "0", "")

    def bool(self, var, default=environ.Env.NOTSET):
        raw = self.ENVIRON.get(var)
        if raw is not None and raw.strip().lower() not in self.YES_NO:
            raise ImproperlyConfigured(f"{var} must be 1 or 0 (true/false, yes/no, on/off), not {raw!r}.")
        return super().bool(var, default=default)


env = _Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    value = env.str("SECRET_KEY", default="")
    if not value:
        if DEBUG:
            # Development only: a fixed, obviously unsafe key so sessions survive restarts.
            return "insecure-dev-key-do-not-use-in-production-" + "x" * 20
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak: use at least 50 random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    return value


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # ours
    "core",
    "accounts",
    "notify",
    "banking",
    "delivery",
    "counter",
    "verification",
    "doorstep",
]

MIDDLEWARE = [
    # First: requests no view can serve (over-long URL or header, NUL, a body cut off).
    "accounts.requestguard.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the final response of a failed login (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.shell",
            ],
            "builtins": ["core.templatetags.core_format", "accounts.templatetags.dakghar"],
        },
    }
]

# --- Database -------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dakghar.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
    # BEGIN, so two writers queue instead of failing with "database is locked" later.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"socket_connect_timeout": 2, "socket_timeout": 5}
    # accounts.cache: while Redis is unreachable the cache serves from process memory
    # (limits get stricter, see accounts.ratelimit) instead of failing the request.
    CACHES = {
        "default": {
            "BACKEND": "accounts.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "Asia/Kolkata"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "sms-relay-sweep": {"task": "notify.tasks.sms_relay", "schedule": 5.0},
}

# --- Auth -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Roles that must pass TOTP two-factor before they see anything.
TWO_FACTOR_ROLES = ["postmaster", "thana_officer", "sp_officer", "dm_officer", "administrator"]
OTP_TOTP_ISSUER = "Dakghar"

# Sessions: 30 idle minutes (the cookie age is renewed on every request), and at most
# 12 hours from login whatever the activity (accounts.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock a username at one client address after 5 failures, for 30 minutes
# (locking the username everywhere would let a stranger lock anyone out). A username
# that fails from many addresses is slowed down instead (accounts.lockout).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt while locked is not a new failure: the lock ends 30 minutes after the
# last real one, and accounts.lockout can refuse without a failure being recorded.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "accounts.lockout.LockoutHandler"
# Pages get the lockout page, the API the JSON error shape (both 429).
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
# The one reading of the client address (PROXY_COUNT, below), as the throttles use it.
AXES_CLIENT_IP_CALLABLE = "accounts.net.client_ip"
AXES_VERBOSE = False

API_TOKEN_TTL = timedelta(hours=12)

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Kolkata"  # display and scheduling; storage is UTC (USE_TZ)
LANGUAGE_COOKIE_NAME = "dakghar_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start while it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files listed in a manifest that `collectstatic`
# writes; without it every page fails. Development and tests (STATIC_MANIFEST=0) serve
# the files as they are.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without a manifest, WhiteNoise finds the files where they are written (as runserver does).
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = VAR_DIR / "media"

# --- Security -----------------------------------------------------------------------
# Behind a TLS-terminating proxy the app sees plain HTTP; the proxy tells it what the
# browser used in X-Forwarded-Proto. The proxy must set (overwrite) that header, or a
# client could claim HTTPS: set TRUST_X_FORWARDED_PROTO=0 when there is no such proxy.
if env.bool("TRUST_X_FORWARDED_PROTO", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-csp 4: every script, style, font and image comes from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Swagger UI and htmx set a few inline style attributes; no inline script runs.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST framework -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "accounts.api.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ErrorAwareAutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "token": "10/min", "track": "30/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dakghar API",
    "DESCRIPTION": "Post office counter, delivery, savings, verification and doorstep services.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- SMS ----------------------------------------------------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
if SMS_BACKEND not in {"console", "file", "http"}:
    raise ImproperlyConfigured(f"SMS_BACKEND must be console, file or http, not {SMS_BACKEND!r}.")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms.jsonl"))
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=5.0)
SMS_SENDER_ID = env.str("SMS_SENDER_ID", default="INPOST")
if SMS_BACKEND == "http" and not SMS_HTTP_URL:
    raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_HTTP_URL.")
SMS_MAX_ATTEMPTS = 8
SMS_DEFAULT_LANGUAGE = "hi"

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="dakghar-demo")

# --- Logging ------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- counter ---
# "Local" Speed Post band: same PIN, or same district and taluk; for a PIN the directory
# gives no taluk, same district and centres within this radius (see counter/pins.py).
COUNTER_LOCAL_RADIUS_KM = env.float("COUNTER_LOCAL_RADIUS_KM", default=5.0)
# The tariff API is public (like India Post's calculator); anonymous callers are limited.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["counter_tariff_anon"] = env.str("COUNTER_TARIFF_ANON_RATE", default="120/min")
# Tariff, GST and PIN look-ups cached per process this long (0 = off); see counter/refdata.py.
COUNTER_REFERENCE_CACHE_SECONDS = env.int("COUNTER_REFERENCE_CACHE_SECONDS", default=60)

# --- notify ---
# Relay leases and retries (notify.services). A claimed message is the relay's for
# SMS_CLAIM_SECONDS; it stops starting sends SMS_HTTP_TIMEOUT + 5 s before the lease ends.
SMS_CLAIM_SECONDS = env.int("SMS_CLAIM_SECONDS", default=120)
if SMS_CLAIM_SECONDS < SMS_HTTP_TIMEOUT + 15:
    raise ImproperlyConfigured("SMS_CLAIM_SECONDS must exceed SMS_HTTP_TIMEOUT by at least 15 seconds.")
# Back-off after the n-th failure: base * 2**(n-1) seconds, at most the cap.
# With SMS_MAX_ATTEMPTS = 8: 30 s, 1, 2, 4, 8, 16, 32 minutes, then the message is given up (about 1 hour).
SMS_RETRY_BASE_SECONDS = env.int("SMS_RETRY_BASE_SECONDS", default=30)
SMS_RETRY_MAX_SECONDS = env.int("SMS_RETRY_MAX_SECONDS", default=3600)
# A "send now" request older than this is dropped by the worker: the beat sweep has done it.
SMS_KICK_EXPIRES = env.int("SMS_KICK_EXPIRES", default=300)
# After a failed "send now" request, skip them for this long (per process): while the
# broker hangs, only one request in this window waits for its timeout.
SMS_KICK_PAUSE_SECONDS = env.int("SMS_KICK_PAUSE_SECONDS", default=30)

# --- delivery ---
# Counted failed attempts (not "link down") before an article goes back to its sender.
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=3)
# OTP hand-over (DOMAIN.md, OWASP ASVS L2): wrong codes before a code dies, resend
# cooldown, and sends per article per IST day.
DELIVERY_OTP_MAX_WRONG = env.int("DELIVERY_OTP_MAX_WRONG", default=5)
DELIVERY_OTP_RESEND_COOLDOWN_SECONDS = env.int("DELIVERY_OTP_RESEND_COOLDOWN_SECONDS", default=60)
DELIVERY_OTP_MAX_SENDS_PER_DAY = env.int("DELIVERY_OTP_MAX_SENDS_PER_DAY", default=3)

# --- banking ---
from celery.schedules import crontab  # noqa: E402

# Amounts in paise. Consent OTP above this amount (₹5,000); the holder cap at end of day
# (₹2,00,000, IPPB rule); the largest amount one operation may carry (₹1 crore).
BANKING_OTP_THRESHOLD_PAISE = env.int("BANKING_OTP_THRESHOLD_PAISE", default=5_000_00)
BANKING_HOLDER_CAP_PAISE = env.int("BANKING_HOLDER_CAP_PAISE", default=2_00_000_00)
BANKING_MAX_AMOUNT_PAISE = env.int("BANKING_MAX_AMOUNT_PAISE", default=1_00_00_000_00)
# Consent OTP (OWASP ASVS L2): lifetime, wrong tries, resend cooldown, sends per account per IST day.
BANKING_OTP_TTL_SECONDS = env.int("BANKING_OTP_TTL_SECONDS", default=600)
BANKING_OTP_MAX_ATTEMPTS = env.int("BANKING_OTP_MAX_ATTEMPTS", default=5)
BANKING_OTP_RESEND_SECONDS = env.int("BANKING_OTP_RESEND_SECONDS", default=60)
BANKING_OTP_DAILY_CAP = env.int("BANKING_OTP_DAILY_CAP", default=10)
if BANKING_OTP_TTL_SECONDS > 600 or BANKING_OTP_MAX_ATTEMPTS > 5:
    raise ImproperlyConfigured("A money OTP lives at most 10 minutes and allows at most 5 wrong tries (ASVS L2).")
# Idempotency keys (core.idempotency) are kept this long (Stripe keeps 24 h; we keep at least that).
IDEMPOTENCY_HOURS = env.int("IDEMPOTENCY_HOURS", default=48)
if IDEMPOTENCY_HOURS < 24:
    raise ImproperlyConfigured("IDEMPOTENCY_HOURS must be at least 24.")
# Key of the Aadhaar HMAC. Set it in production and never change it (matching depends on
# it); when empty it is derived from SECRET_KEY.
BANKING_AADHAAR_HASH_KEY = env.str("BANKING_AADHAAR_HASH_KEY", default="")
# UPI payee for offices without their own (admin: Office UPI payees).
BANKING_UPI_VPA = env.str("BANKING_UPI_VPA", default="indiapost@ippb")
BANKING_UPI_PAYEE_NAME = env.str("BANKING_UPI_PAYEE_NAME", default="India Post")
CELERY_BEAT_SCHEDULE["banking-posb-sweep"] = {
    "task": "banking.tasks.posb_sweep",
    "schedule": crontab(hour=23, minute=50),  # CELERY_TIMEZONE is Asia/Kolkata
}
CELERY_BEAT_SCHEDULE["banking-ledger-check"] = {
    "task": "banking.tasks.ledger_check",
    "schedule": crontab(hour=2, minute=30),  # nightly, after the sweep
}
CELERY_BEAT_SCHEDULE["idempotency-purge"] = {"task": "core.tasks.idempotency_purge", "schedule": 3600.0}

# --- banking pages and self-service ---
# Customer self-service keeps its own session (cookie "dakghar_customer", path /banking/my/,
# separate from staff sign-in): it ends after this many idle seconds, and this long after sign-in.
BANKING_SELFSERVICE_IDLE_SECONDS = env.int("BANKING_SELFSERVICE_IDLE_SECONDS", default=600)
BANKING_SELFSERVICE_ABSOLUTE_SECONDS = env.int("BANKING_SELFSERVICE_ABSOLUTE_SECONDS", default=3600)
if not 60 <= BANKING_SELFSERVICE_IDLE_SECONDS <= BANKING_SELFSERVICE_ABSOLUTE_SECONDS:
    raise ImproperlyConfigured("BANKING_SELFSERVICE_IDLE_SECONDS must be 60 or more and at most the absolute limit.")
# Sign-in codes one client (IP address) may ask for per hour, whatever the account numbers.
BANKING_SELFSERVICE_SENDS_PER_CLIENT_HOUR = env.int("BANKING_SELFSERVICE_SENDS_PER_CLIENT_HOUR", default=20)
# Sign-in codes sent to one account's holder per hour, whoever asks: over this, a request
# answers the same page and sends nothing (counted in the database; issue 8).
BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR = env.int(
    "BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR", default=3
)
# SMS mini-statement: at most one per account in this many seconds, and this many a day.
BANKING_MINI_STATEMENT_COOLDOWN_SECONDS = env.int("BANKING_MINI_STATEMENT_COOLDOWN_SECONDS", default=60)
BANKING_MINI_STATEMENT_DAILY_CAP = env.int("BANKING_MINI_STATEMENT_DAILY_CAP", default=5)

# --- database serving (performance) ---
# PostgreSQL: send query parameters separately (server-side binding) and let psycopg
# prepare a statement once it has run DB_PREPARE_THRESHOLD times on a connection, so the
# server parses and plans it once per connection instead of on every request: about half
# of PostgreSQL's CPU per booking (docs/benchmarks.md). Prepared statements live in the
# server session: behind PgBouncer in transaction mode this needs PgBouncer 1.21+ with
# max_prepared_statements set; otherwise set DB_PREPARED_STATEMENTS=0.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DB_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=env.int("DB_PREPARE_THRESHOLD", default=5)
    )

# --- client address, rate limits and the cache outage (accounts.net, .ratelimit, .cache) ---
# How many proxies we run in front of the app, each appending to X-Forwarded-For. 0: the
# client is REMOTE_ADDR and the header is ignored (anyone can write it); N: the Nth entry
# from the right. Used by every throttle, django-axes and self-service (accounts.net).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT must be 0 or more.")
# DRF's stock throttles read NUM_PROXIES (ours read client_ip): with 0 both ignore the header.
REST_FRAMEWORK["NUM_PROXIES"] = PROXY_COUNT
# While the cache is down each process allows this fraction of a limit, counted locally.
RATE_LIMIT_CACHE_DOWN_DIVISOR = env.int("RATE_LIMIT_CACHE_DOWN_DIVISOR", default=4)
if RATE_LIMIT_CACHE_DOWN_DIVISOR < 1:
    raise ImproperlyConfigured("RATE_LIMIT_CACHE_DOWN_DIVISOR must be 1 or more.")
# After the cache fails, a process serves from memory this long before trying Redis again.
CACHE_RETRY_SECONDS = env.int("CACHE_RETRY_SECONDS", default=5)
# A username failed from more than this many addresses in the cool-off time is slowed
# down: addresses that never signed in as it get one try per AXES_SPREAD_INTERVAL_SECONDS.
AXES_SPREAD_ADDRESSES = env.int("AXES_SPREAD_ADDRESSES", default=3)
AXES_SPREAD_INTERVAL_SECONDS = env.int("AXES_SPREAD_INTERVAL_SECONDS", default=60)
