"""Settings for Techniekpact Match, read from environment variables (django-environ).

Embedded default (nothing set): SQLite, Celery tasks run eagerly in-process, console e-mail.
Production: DATABASE_URL (PostgreSQL), REDIS_URL (cache + Celery broker), EMAIL_URL (SMTP),
SECRET_KEY and ALLOWED_HOSTS, DEBUG=false.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.logs import configure_structlog, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="embedded-development-key-not-for-production-use-0123456789")
else:
    # No default in production: a missing secret must fail loudly.
    SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_structlog",
    "taxonomy",
    "accounts",
    "notifications",
    "matching",
    "oversight",
    "catalogue",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "accounts.middleware.CoordinatorTwoFactorMiddleware",
    "accounts.access.ActiveOrganisationMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.membership",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Cache and broker ------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="tpm"),
            # A hung Redis must not hang a web request (RELIABILITY §0.3).
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication (django-allauth) ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGIN_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Techniekpact Match] "
# Counted in the default cache: Redis in production, shared by every web process. The embedded
# LocMemCache counts per process (fine for one runserver), and DummyCache would switch them off.
# login_failed: 5 failures per address in 5 minutes lock that login, even from rotating IPs.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Proxies of ours in front of gunicorn (1 behind the Kubernetes ingress). Only then is the
# right-most X-Forwarded-For entry trusted as the client address, by allauth's rate limits, DRF's
# throttles and the audit log alike; entries further left can be forged by the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("NUM_PROXIES", default=0))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Techniekpact Match"

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One way to write dates, times and numbers per language (config/formats/): templates use the named
# formats (DATE_FORMAT in running text, SHORT_DATE_FORMAT in lists), never a pattern of their own.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded match documents (DESIGN §3): never under static files, never served by the web server
# directly — only through matching's permission-checked view. Local files by default; an
# S3-compatible bucket through django-storages when STORAGE_URL is set
# (s3://KEY:SECRET@host[:port]/bucket; needs `django-storages[s3]` installed).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGE_URL = env("STORAGE_URL", default="")
if STORAGE_URL:
    from urllib.parse import unquote, urlsplit

    _s3 = urlsplit(STORAGE_URL)
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "access_key": unquote(_s3.username or ""),
            "secret_key": unquote(_s3.password or ""),
            "endpoint_url": f"{'http' if _s3.scheme == 's3+http' else 'https'}://{_s3.hostname}"
            + (f":{_s3.port}" if _s3.port else ""),
            "bucket_name": _s3.path.strip("/"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    }
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# API request bodies (JSON): larger ones get 413, deeper nesting than this 400 (config/parsers.py).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
API_MAX_JSON_DEPTH = 32
# Days an attachment of a match is kept after the match's activity (or its end); purged by beat.
ATTACHMENT_RETENTION_DAYS = env.int("ATTACHMENT_RETENTION_DAYS", default=730)

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Techniekpact Match <noreply@techniekpact-match.nl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

from django.utils.csp import CSP  # noqa: E402

# No inline scripts anywhere: every script is a static file (nonce available for exceptions).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Personal tokens (hashed, revocable), plus the two-factor rule for coordinators/staff.
        "accounts.api.authentication.PersonalTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # Binds the active organisation (X-Organisation / ?organisation=; accounts/access.py).
        "accounts.api.authentication.ActiveOrganisation",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bounded size and nesting (config/parsers.py); attachments use multipart on their own action.
    "DEFAULT_PARSER_CLASSES": ["config.parsers.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "matching.pagination.LargeListPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's anon/user throttles, but a cache (Redis) outage lets requests through (config/throttling.py).
        "config.throttling.FailOpenAnonRateThrottle",
        "config.throttling.FailOpenUserRateThrottle",
    ],
    # UserRateThrottle keys on the account, so every API token of a person shares one budget;
    # AnonRateThrottle keys on the client address (see NUM_PROXIES).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/min"),
        "user": env("API_THROTTLE_USER", default="1200/min"),
    },
    # Never the whole X-Forwarded-For header (DRF's default with None): spoofable.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Techniekpact Match API",
    "DESCRIPTION": "Offers, requests and matches between Dutch schools and companies.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "accounts.models.Organisation.Kind",
        "ActivityKindEnum": "taxonomy.kinds.Kind",
        "UserLanguageEnum": "accounts.models.User.Language",
        "ListingLanguageEnum": "matching.models.ListingLanguage",
        "ContractTypeEnum": "matching.models.ContractType",
        "RequestContractTypeEnum": ["bol", "bbl"],
        "SubjectEnum": "taxonomy.subjects.Subject",
    },
}

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "matching.tasks.*": {"queue": "matching"},
    "notifications.tasks.*": {"queue": "notifications"},
}
# The visibility timeout must exceed twice the longest task and every countdown (RELIABILITY §0.5).
_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    "matching-nightly-full-run": {
        "task": "matching.tasks.nightly_full_run",
        "schedule": crontab(hour=2, minute=30),
    },
    "matching-sweep-runs-every-minute": {"task": "matching.tasks.sweep_runs", "schedule": 60.0},
    "matching-activity-reminders-daily-at-0800": {
        "task": "matching.tasks.activity_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "matching-coordinator-digest-monday-0700": {
        "task": "matching.tasks.coordinator_weekly_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    "matching-sweep-matches-every-15-minutes": {
        "task": "matching.tasks.sweep_matches",
        "schedule": 15 * 60.0,
    },
    "catalogue-alerts-sweep-every-10-minutes": {"task": "catalogue.tasks.alerts_sweep", "schedule": 600.0},
    "accounts-purge-inactive-daily-at-0330": {
        "task": "accounts.tasks.purge_inactive_accounts",
        "schedule": crontab(hour=3, minute=30),
    },
    "accounts-purge-past-retention-daily-at-0345": {
        "task": "accounts.tasks.purge_past_retention",
        "schedule": crontab(hour=3, minute=45),
    },
}

from notifications.schedule import BEAT_SCHEDULE as NOTIFICATIONS_BEAT  # noqa: E402

CELERY_BEAT_SCHEDULE.update(NOTIFICATIONS_BEAT)

# --- Logging (structured, config/logs.py) -----------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=not DEBUG)
configure_structlog()
LOGGING = logging_config(level=LOG_LEVEL, json=LOG_JSON)
DJANGO_STRUCTLOG_CELERY_ENABLED = False

# --- Product settings ------------------------------------------------------------------------
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=14)
# Accounts nobody logged in to for this long are anonymised by a nightly task (AVG art. 5(1)(e)).
PRIVACY_INACTIVE_DAYS = env.int("PRIVACY_INACTIVE_DAYS", default=1095)
# Coordinator figures (dashboard, monitor, reports API) are cached this long; any saved match,
# offer, request or organisation invalidates them at once (oversight/figures_cache.py). 0 = off.
OVERSIGHT_CACHE_SECONDS = env.int("OVERSIGHT_CACHE_SECONDS", default=120)
# After a bulk write (load_dataset, a matcher run writing at least ANALYZE_MIN_ROWS proposals) run
# ANALYZE on the tables it filled (PostgreSQL only): without fresh statistics the planner treats a
# freshly loaded table as nearly empty (39 s for an offers search, 0.18 s after ANALYZE).
ANALYZE_AFTER_BULK = env.bool("ANALYZE_AFTER_BULK", default=True)
ANALYZE_MIN_ROWS = env.int("ANALYZE_MIN_ROWS", default=1000)
# A proposal's suggested date is at least this many days ahead, per kind (DESIGN §3 "Dates").
MATCH_LEAD_DAYS = {"guest_lesson": 10, "company_visit": 10, "internship": 21, "teacher_internship": 21}
# The one-click "did it take place?" links in the e-mail are valid this long.
MATCH_OUTCOME_LINK_DAYS = env.int("MATCH_OUTCOME_LINK_DAYS", default=60)
# The regional goal for schools in active collaboration with companies, per province (percent of
# its verified schools; Overijssel's 50% is the Techniekpact example). A target a coordinator sets
# on the coverage page overrides it. Env: SCHOOL_REACH_TARGETS="overijssel=50,gelderland=40".
SCHOOL_REACH_TARGETS = env.dict("SCHOOL_REACH_TARGETS", cast={"value": int}, default={"overijssel": 50})
# Retention: what the nightly purge deletes, and when. Messages: school years after
# the match ended; conduct reports: years after closing; feedback comments: school years after
# the activity (the rating stays). Attachments: ATTACHMENT_RETENTION_DAYS after the activity.
RETENTION_MESSAGES_SCHOOL_YEARS = env.int("RETENTION_MESSAGES_SCHOOL_YEARS", default=2)
RETENTION_CONDUCT_YEARS = env.int("RETENTION_CONDUCT_YEARS", default=5)
RETENTION_FEEDBACK_COMMENTS_SCHOOL_YEARS = env.int("RETENTION_FEEDBACK_COMMENTS_SCHOOL_YEARS", default=2)
