"""Corridor settings, read from `CORRIDOR_*` environment variables with safe defaults.

Production hardening is switched on by `CORRIDOR_PRODUCTION=1`; there is no second settings tree.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from corridor.env import env_bool, env_int, env_str, secret_file

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
    "django.contrib.staticfiles",
    "corridor.audit",
    "corridor.accounts",
    "corridor.people",
    "corridor.cases",
    "corridor.crossings",
    "corridor.returns",
    "corridor.scenarios",
    "corridor.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
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

SESSION_COOKIE_AGE = env_int("CORRIDOR_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("CORRIDOR_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CORRIDOR_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Domain configuration: limits that the parties may change, never hard-coded in services.
CORRIDOR_MAX_COMPANIONS = env_int("CORRIDOR_MAX_COMPANIONS", 2)
CORRIDOR_CHILD_AGE_LIMIT = env_int("CORRIDOR_CHILD_AGE_LIMIT", 18)
CORRIDOR_LIST_LEAD_HOURS = env_int("CORRIDOR_LIST_LEAD_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CORRIDOR_LOG_LEVEL", "WARNING")},
}
