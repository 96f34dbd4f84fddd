"""Huifang settings: one module, driven by environment variables (see README)."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from huifang import config

BASE_DIR = Path(__file__).resolve().parent.parent
CONFIG = config.from_environment(BASE_DIR)

DATA_DIR: Path = CONFIG["DATA_DIR"]
SECRET_KEY = CONFIG["SECRET_KEY"]
DEBUG = CONFIG["DEBUG"]
ALLOWED_HOSTS = CONFIG["ALLOWED_HOSTS"]
HUIFANG_HOST = CONFIG["HOST"]
HUIFANG_PORT = CONFIG["PORT"]
HUIFANG_EMBEDDED_WORKER = CONFIG["EMBEDDED_WORKER"]

INSTALLED_APPS = [
    "huifang.core",
    "huifang.accounts",
    "huifang.customers",
    "huifang.workdays",
    "huifang.followups",
    "huifang.audit",
    "huifang.notifications",
    "huifang.tickets",
    "huifang.channels",
    "huifang.surveys",
    "huifang.workspace",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huifang.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huifang.urls"
WSGI_APPLICATION = "huifang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "huifang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huifang.core.context_processors.navigation",
                "huifang.workdays.context_processors.calendar_warning",
                "huifang.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {"default": CONFIG["DATABASE"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (django-axes), per username.
AXES_FAILURE_LIMIT = CONFIG["LOCKOUT_ATTEMPTS"]
AXES_COOLOFF_TIME = timedelta(minutes=CONFIG["LOCKOUT_MINUTES"])
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Chinese first; English through the same translation files.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "huifang" / "locale"]
USE_I18N = True
# Stored in UTC, shown in Asia/Shanghai.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

HUEY = CONFIG["HUEY"]
# A worker that has not beaten for this long is shown as stopped.
HUIFANG_HEARTBEAT_STALE_AFTER = timedelta(minutes=3)

# Sessions and short-lived shared counts: Redis when REDIS_URL is set (config.caches and
# config.session_engine say why sessions never sit in a per-process cache).
CACHES = CONFIG["CACHES"]
SESSION_ENGINE = CONFIG["SESSION_ENGINE"]
SESSION_CACHE_ALIAS = config.SHARED_CACHE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"huey": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# We lock the account (per username), as the spec asks; locking by IP would shut out a
# whole office behind one NAT address after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Doing the follow-ups: survey links, reminders and the outbound channels (README,
# "Configuration"). A channel without its settings falls back to the log-only channel.
_ENV = __import__("os").environ
HUIFANG_SITE_URL = _ENV.get("HUIFANG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
HUIFANG_SURVEY_LINK_DAYS = config.env_int(_ENV, "HUIFANG_SURVEY_LINK_DAYS", 14, minimum=1)
HUIFANG_REMINDER_MINUTES = config.env_int(_ENV, "HUIFANG_REMINDER_MINUTES", 30, minimum=1)
HUIFANG_UNREACHABLE_TRIES = config.env_int(_ENV, "HUIFANG_UNREACHABLE_TRIES", 3, minimum=1)
HUIFANG_MESSAGE_MAX_ATTEMPTS = config.env_int(_ENV, "HUIFANG_MESSAGE_MAX_ATTEMPTS", 4, minimum=1)
HUIFANG_RATING10_TICKET_AT_MOST = config.env_int(
    _ENV, "HUIFANG_RATING10_TICKET_AT_MOST", 4, minimum=1
)
HUIFANG_EMAIL = {
    "host": _ENV.get("HUIFANG_EMAIL_HOST", ""),
    "port": config.env_int(_ENV, "HUIFANG_EMAIL_PORT", 25, minimum=1),
    "username": _ENV.get("HUIFANG_EMAIL_USER", ""),
    "password": _ENV.get("HUIFANG_EMAIL_PASSWORD", ""),
    "use_tls": config.env_bool(_ENV, "HUIFANG_EMAIL_USE_TLS", False),
    "use_ssl": config.env_bool(_ENV, "HUIFANG_EMAIL_USE_SSL", False),
    "sender": _ENV.get("HUIFANG_EMAIL_FROM", "回访 Huifang <noreply@localhost>"),
}
HUIFANG_SMS = {
    "endpoint": _ENV.get("HUIFANG_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
    "access_key_id": _ENV.get("HUIFANG_SMS_ACCESS_KEY_ID", ""),
    "access_key_secret": _ENV.get("HUIFANG_SMS_ACCESS_KEY_SECRET", ""),
    "sign_name": _ENV.get("HUIFANG_SMS_SIGN_NAME", ""),
    "region": _ENV.get("HUIFANG_SMS_REGION", "cn-hangzhou"),
    "templates": {
        "survey_link": _ENV.get("HUIFANG_SMS_TEMPLATE_SURVEY", ""),
        "announce": _ENV.get("HUIFANG_SMS_TEMPLATE_ANNOUNCE", ""),
    },
}
HUIFANG_WECOM = {
    "webhook_url": _ENV.get("HUIFANG_WECOM_WEBHOOK_URL", ""),
    "corp_id": _ENV.get("HUIFANG_WECOM_CORP_ID", ""),
    "corp_secret": _ENV.get("HUIFANG_WECOM_CORP_SECRET", ""),
    "agent_id": config.env_int(_ENV, "HUIFANG_WECOM_AGENT_ID", 0),
    "api_base": _ENV.get("HUIFANG_WECOM_API_BASE", "https://qyapi.weixin.qq.com"),
}
