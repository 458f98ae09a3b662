"""Corridor settings, read from `CORRIDOR_*` environment variables with safe defaults.

Production hardening is switched on by `CORRIDOR_PRODUCTION=1`; there is no second settings tree.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from corridor.env import (
    env_bool,
    env_days_by_kind,
    env_int,
    env_list,
    env_str,
    secret_file,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("CORRIDOR_DATA_DIR", str(Path.cwd() / "var"))).resolve()

PRODUCTION = env_bool("CORRIDOR_PRODUCTION")
DEBUG = env_bool("CORRIDOR_DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("CORRIDOR_SECRET_KEY") or secret_file(DATA_DIR / "secret_key")
ALLOWED_HOSTS = [
    h.strip() for h in env_str("CORRIDOR_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corridor.audit",
    "corridor.accounts",
    "corridor.people",
    "corridor.cases",
    "corridor.crossings",
    "corridor.returns",
    "corridor.plans",
    "corridor.scenarios",
    "corridor.interop",
    "corridor.notify",
    "corridor.web",
    "corridor.api",
    # After Corridor's apps, so that Corridor's templates override allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "corridor.web.middleware.RejectNullBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "corridor.accounts.middleware.RequireMFAMiddleware",
    "corridor.web.preferences.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "corridor.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "corridor.urls"
WSGI_APPLICATION = "corridor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "corridor.web.navigation.navigation",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("CORRIDOR_DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if url.startswith("postgres"):
            config.setdefault("TEST", {"NAME": env_str("CORRIDOR_TEST_DATABASE_NAME") or None})
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "corridor.sqlite3"),
        # IMMEDIATE takes the write lock at BEGIN, so read-then-write transitions (quota checks,
        # the audit chain head) serialise instead of failing with "database is locked".
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "account_login"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "corridor.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("CORRIDOR_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("CORRIDOR_TIME_ZONE", "Asia/Gaza")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves the assets itself (no CDN). In production `corridor collectstatic` writes
# hashed, compressed copies that browsers keep for a year; elsewhere they come from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if PRODUCTION else 3600

# Sessions end after this much inactivity: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("CORRIDOR_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("CORRIDOR_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CORRIDOR_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if env_bool("CORRIDOR_BEHIND_HTTPS_PROXY"):
    # Only behind a proxy that sets this header itself and strips it from clients' requests.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere (the admin's included); QR codes for two-factor set-up are
# data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Accounts (django-allauth): usernames only, created by administrators; no sign-up, no e-mail.
ACCOUNT_ADAPTER = "corridor.accounts.adapters.AccountAdapter"
MFA_ADAPTER = "corridor.accounts.adapters.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False
# Never "remember me": the session cookie ends with the browser and the session with inactivity.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# Throttling and lockout: failed sign-ins per address and per username; once over the limit, the
# username is locked out for CORRIDOR_LOGIN_LOCKOUT_SECONDS.
CORRIDOR_LOGIN_FAILURES_PER_USERNAME = env_int("CORRIDOR_LOGIN_FAILURES_PER_USERNAME", 5)
CORRIDOR_LOGIN_LOCKOUT_SECONDS = env_int("CORRIDOR_LOGIN_LOCKOUT_SECONDS", 15 * 60)
CORRIDOR_LOGIN_FAILURES_PER_ADDRESS = env_int("CORRIDOR_LOGIN_FAILURES_PER_ADDRESS", 10)
CORRIDOR_LOGIN_ATTEMPTS_PER_ADDRESS = env_int("CORRIDOR_LOGIN_ATTEMPTS_PER_ADDRESS", 30)
ACCOUNT_RATE_LIMITS = {
    "login": f"{CORRIDOR_LOGIN_ATTEMPTS_PER_ADDRESS}/m/ip",
    "login_failed": (
        f"{CORRIDOR_LOGIN_FAILURES_PER_ADDRESS}/m/ip,"
        f"{CORRIDOR_LOGIN_FAILURES_PER_USERNAME}/{CORRIDOR_LOGIN_LOCKOUT_SECONDS}s/key"
    ),
}
# Behind reverse proxies, the client's address is the one they add to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("CORRIDOR_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Corridor"
# Two-factor set-up does not depend on e-mail: Corridor has none to verify.
MFA_ALLOW_UNVERIFIED_EMAIL = True

# Domain configuration: limits that the parties may change, never hard-coded in services.
CORRIDOR_MAX_COMPANIONS = env_int("CORRIDOR_MAX_COMPANIONS", 2)
CORRIDOR_CHILD_AGE_LIMIT = env_int("CORRIDOR_CHILD_AGE_LIMIT", 18)
CORRIDOR_LIST_LEAD_HOURS = env_int("CORRIDOR_LIST_LEAD_HOURS", 24)
CORRIDOR_BREAK_GLASS_MINUTES = env_int("CORRIDOR_BREAK_GLASS_MINUTES", 30)
# Planning: stretcher places (ambulances) a crossing day offers, and the default horizon.
CORRIDOR_STRETCHER_PLACES = env_int("CORRIDOR_STRETCHER_PLACES", 6)
CORRIDOR_PLAN_DAYS = env_int("CORRIDOR_PLAN_DAYS", 7)
CORRIDOR_SMALL_CELL = env_int("CORRIDOR_SMALL_CELL", 5)
# The Today page warns of cases of the most urgent tier waiting longer than this.
CORRIDOR_CRITICAL_WAIT_ALERT_DAYS = env_int("CORRIDOR_CRITICAL_WAIT_ALERT_DAYS", 7)
# A demo or training clock: business rules run as if today were this date (see corridor.clock).
CORRIDOR_DEMO_DATE = (
    datetime.date.fromisoformat(env_str("CORRIDOR_DEMO_DATE"))
    if env_str("CORRIDOR_DEMO_DATE")
    else None
)
# Uploads (lists from the field) are read whole: keep them bounded.
CORRIDOR_MAX_UPLOAD_BYTES = env_int("CORRIDOR_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Sensitive fields are encrypted with these Fernet keys, newest first; when the variable is unset,
# a key file in the data directory is created at first use (see corridor.crypto).
CORRIDOR_ENCRYPTION_KEYS = env_list("CORRIDOR_ENCRYPTION_KEYS")
CORRIDOR_ENCRYPTION_KEY_FILE = DATA_DIR / "encryption_keys"
# Days after a record closes before `corridor retention --apply` anonymises it (null: never).
CORRIDOR_RETENTION_DAYS = env_days_by_kind(
    "CORRIDOR_RETENTION_DAYS", {"case": 730, "return_registration": 365, "incident": 1095}
)

# Messages to people: the backend that delivers them (console, outbox or rapidpro), the language
# they are written in, and how often and how patiently a failed one is retried.
CORRIDOR_MESSAGE_BACKEND = env_str("CORRIDOR_MESSAGE_BACKEND", "console")
CORRIDOR_MESSAGE_LANGUAGE = env_str("CORRIDOR_MESSAGE_LANGUAGE", "ar")
CORRIDOR_MESSAGE_MAX_ATTEMPTS = env_int("CORRIDOR_MESSAGE_MAX_ATTEMPTS", 5)
CORRIDOR_MESSAGE_RETRY_SECONDS = env_int("CORRIDOR_MESSAGE_RETRY_SECONDS", 60)
CORRIDOR_RAPIDPRO_URL = env_str("CORRIDOR_RAPIDPRO_URL")
CORRIDOR_RAPIDPRO_TOKEN = env_str("CORRIDOR_RAPIDPRO_TOKEN")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CORRIDOR_LOG_LEVEL", "WARNING")},
}
