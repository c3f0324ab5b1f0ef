"""Django settings for mercato. Values come from the environment; see the README."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from mercato.server.config import env_bool, env_list, mercato_home
from mercato.server.database import database_settings, resolve_database_url

MERCATO_HOME = mercato_home()
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = (
    os.environ.get("SECRET_KEY") or "mercato-insecure-development-key-change-me"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_URLS_REGEX = r"^/(graphql|thumbnail)/.*$"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.postgres",
    "corsheaders",
    "procrastinate.contrib.django",
    "mercato.core",
    "mercato.server",
    "mercato.account",
    "mercato.app",
    "mercato.channel",
    "mercato.inventory",
    "mercato.shipping",
    "mercato.attribute",
    "mercato.product",
    "mercato.page",
    "mercato.menu",
    "mercato.checkout",
    "mercato.thumbnail",
    "mercato.tax",
    "mercato.discount",
    "mercato.giftcard",
    "mercato.payment",
    "mercato.order",
    "mercato.site",
]

MIDDLEWARE = [
    "mercato.server.middleware.RequestStatsMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "mercato.server.urls"
WSGI_APPLICATION = "mercato.server.wsgi.application"

DATABASES = {"default": database_settings(resolve_database_url(MERCATO_HOME))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MEDIA_ROOT = str(MERCATO_HOME / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

# Email templates (mercato/templates/emails/); see mercato.core.email.
TEMPLATES: list[dict[str, object]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [str(Path(__file__).resolve().parents[1] / "templates")],
        "APP_DIRS": False,
        "OPTIONS": {},
    }
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# GraphQL protection limits (Saleor-like defaults); see mercato.graphql.core.limits.
GRAPHQL_QUERY_MAX_COMPLEXITY = int(
    os.environ.get("GRAPHQL_QUERY_MAX_COMPLEXITY", "50000")
)
GRAPHQL_MAX_DEPTH = int(os.environ.get("GRAPHQL_MAX_DEPTH", "25"))
GRAPHQL_MAX_ALIASES = int(os.environ.get("GRAPHQL_MAX_ALIASES", "250"))
GRAPHQL_MAX_TOKENS = int(os.environ.get("GRAPHQL_MAX_TOKENS", "15000"))
GRAPHQL_PAGINATION_LIMIT = 100
MAX_CHECKOUT_LINE_QUANTITY = int(os.environ.get("MAX_CHECKOUT_LINE_QUANTITY", "50"))
CHECKOUT_PRICES_TTL_SECONDS = int(os.environ.get("CHECKOUT_PRICES_TTL_SECONDS", "3600"))
# Payment gateways by dotted path (mercato.payment.gateways). The dummy gateway pays
# with no money, so it is on only in demo mode (`mercato serve --demo` sets
# MERCATO_DEMO) unless PAYMENT_GATEWAYS names it.
DUMMY_PAYMENT_GATEWAY = "mercato.payment.gateways.dummy.DummyGateway"
PAYMENT_GATEWAYS = env_list(
    "PAYMENT_GATEWAYS", DUMMY_PAYMENT_GATEWAY if env_bool("MERCATO_DEMO") else ""
)
GRAPHQL_COUNT_CACHE_SECONDS = int(os.environ.get("GRAPHQL_COUNT_CACHE_SECONDS", "10"))
CHANNEL_CACHE_SECONDS = int(os.environ.get("CHANNEL_CACHE_SECONDS", "2"))

# Authentication (see the README's "Accounts and authentication").
JWT_PRIVATE_KEY = os.environ.get("JWT_PRIVATE_KEY", "")
JWT_ISSUER = os.environ.get("JWT_ISSUER", "mercato")
JWT_ACCESS_TTL_SECONDS = int(os.environ.get("JWT_ACCESS_TTL_SECONDS", "300"))
JWT_REFRESH_TTL_SECONDS = int(
    os.environ.get("JWT_REFRESH_TTL_SECONDS", str(30 * 86400))
)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling: after this many failures from one IP (or IP and email) each
# further attempt must wait twice as long as the previous one.
LOGIN_FAILURES_BEFORE_DELAY = int(os.environ.get("LOGIN_FAILURES_BEFORE_DELAY", "3"))
LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", "3600"))
# Customer accounts (see the README's "Customer accounts").
ACCOUNT_CONFIRMATION_REQUIRED = env_bool("ACCOUNT_CONFIRMATION_REQUIRED", True)
ACCOUNT_TOKEN_TTL_SECONDS = int(os.environ.get("ACCOUNT_TOKEN_TTL_SECONDS", "86400"))
PASSWORD_RESET_TOKEN_TTL_SECONDS = int(
    os.environ.get("PASSWORD_RESET_TOKEN_TTL_SECONDS", "3600")
)
PASSWORD_RESET_INTERVAL_SECONDS = int(
    os.environ.get("PASSWORD_RESET_INTERVAL_SECONDS", "60")
)

# Background jobs (see the README's "Background jobs and email"). Jobs live in each
# app's tasks.py, found automatically, and in the modules listed here.
PROCRASTINATE_IMPORT_PATHS = ["mercato.core.email"]
WORKER_CONCURRENCY = int(os.environ.get("WORKER_CONCURRENCY", "2"))
WORKER_SHUTDOWN_TIMEOUT = float(os.environ.get("WORKER_SHUTDOWN_TIMEOUT", "10"))

# Email: EMAIL_URL, or EMAIL_BACKEND with EMAIL_HOST and friends; console by default.
_EMAIL_BACKENDS = {
    name: f"django.core.mail.backends.{module}.EmailBackend"
    for name, module in {
        "console": "console",
        "file": "filebased",
        "smtp": "smtp",
        "locmem": "locmem",
        "dummy": "dummy",
    }.items()
}


def _email_url_settings(url: str) -> dict[str, Any]:
    """``smtp://user:password@host:port`` (``smtp+tls://``: STARTTLS, port 587;
    ``smtps://``: TLS from the start, port 465; ``?tls=1`` / ``?ssl=1`` also work),
    ``file:///path``, ``console:``, ``locmem:`` or ``dummy:``."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme in {"console", "locmem", "dummy"}:
        return {"EMAIL_BACKEND": _EMAIL_BACKENDS[scheme]}
    if scheme == "file":
        path = unquote(parsed.path) or str(MERCATO_HOME / "emails")
        return {"EMAIL_BACKEND": _EMAIL_BACKENDS["file"], "EMAIL_FILE_PATH": path}
    if scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {parsed.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    use_ssl = scheme == "smtps" or _truthy(query.get("ssl"))
    use_tls = not use_ssl and (scheme == "smtp+tls" or _truthy(query.get("tls")))
    return {
        "EMAIL_BACKEND": _EMAIL_BACKENDS["smtp"],
        "EMAIL_HOST": unquote(parsed.hostname or "localhost"),
        "EMAIL_PORT": parsed.port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }


def _truthy(raw: str | None) -> bool:
    return (raw or "").strip().lower() in {"1", "true", "yes", "on"}


def _email_env_settings() -> dict[str, Any]:
    host = os.environ.get("EMAIL_HOST", "")
    backend = os.environ.get("EMAIL_BACKEND", "") or ("smtp" if host else "console")
    return {
        "EMAIL_BACKEND": _EMAIL_BACKENDS.get(backend, backend),
        "EMAIL_FILE_PATH": str(MERCATO_HOME / "emails"),
        "EMAIL_HOST": host or "localhost",
        "EMAIL_PORT": int(os.environ.get("EMAIL_PORT", "25")),
        "EMAIL_HOST_USER": os.environ.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", False),
        "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL", False),
    }


_email = _email_env_settings()
if os.environ.get("EMAIL_URL"):
    _email.update(_email_url_settings(os.environ["EMAIL_URL"]))
EMAIL_BACKEND: str = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH: str = _email["EMAIL_FILE_PATH"]
EMAIL_HOST: str = _email["EMAIL_HOST"]
EMAIL_PORT: int = _email["EMAIL_PORT"]
EMAIL_HOST_USER: str = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD: str = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS: bool = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL: bool = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
