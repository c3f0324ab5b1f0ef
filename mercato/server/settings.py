"""Django settings for mercato. Values come from the environment; see the README."""

from __future__ import annotations

import os

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
    "mercato.core",
    "mercato.server",
    "mercato.account",
    "mercato.channel",
    "mercato.inventory",
    "mercato.attribute",
    "mercato.product",
    "mercato.page",
    "mercato.menu",
    "mercato.thumbnail",
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

TEMPLATES: list[dict[str, object]] = []

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
GRAPHQL_COUNT_CACHE_SECONDS = int(os.environ.get("GRAPHQL_COUNT_CACHE_SECONDS", "10"))
CHANNEL_CACHE_SECONDS = int(os.environ.get("CHANNEL_CACHE_SECONDS", "2"))
