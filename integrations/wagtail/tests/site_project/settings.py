"""A minimal Wagtail site for the plugin's tests: SQLite in a temp folder, the review plugin installed."""

from __future__ import annotations

import os
from pathlib import Path

BASE = Path(os.environ.get("WAGTAIL_TEST_DIR", "/nonexistent"))
SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "site_project.urls"
INSTALLED_APPS = [
    "wagtail_review",
    "news",
    "wagtail.admin",
    "wagtail.users",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.snippets",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE / "wagtail.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
MEDIA_ROOT = str(BASE / "media")
WAGTAIL_SITE_NAME = "测试站点"
WAGTAILADMIN_BASE_URL = "http://testserver"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WAGTAIL_REVIEW = {
    "URL": os.environ.get("REVIEW_URL", "http://127.0.0.1:9"),
    "TOKEN": os.environ.get("REVIEW_TOKEN", "unset"),
    "CHANNEL": "website",
    "TIMEOUT": 5.0,
    "RETRIES": 0,
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
