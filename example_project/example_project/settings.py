"""Settings for the example news site, read from the environment with django-environ.

Every value has a development default, so ``make demo`` needs no configuration:
``DATABASE_URL`` (SQLite file next to this project), ``CACHE_URL`` (local memory),
``EMAIL_URL`` (printed to the console), ``SECRET_KEY`` and ``DEBUG``.
"""

from __future__ import annotations

from pathlib import Path

import django
import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-example-project-only-for-development")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# E-mail from one URL ("smtp+tls://user:password@host:587", default: printed to the console).
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
if django.VERSION >= (6, 1):
    # Django 6.1 configures e-mail through MAILERS and deprecates the EMAIL_* settings.
    MAILER_OPTIONS = {
        "EMAIL_HOST": "host",
        "EMAIL_PORT": "port",
        "EMAIL_HOST_USER": "username",
        "EMAIL_HOST_PASSWORD": "password",
        "EMAIL_USE_TLS": "use_tls",
        "EMAIL_USE_SSL": "use_ssl",
        "EMAIL_TIMEOUT": "timeout",
        "EMAIL_FILE_PATH": "file_path",
    }
    MAILERS = {
        "default": {
            "BACKEND": EMAIL_CONFIG["EMAIL_BACKEND"],
            "OPTIONS": {
                option: EMAIL_CONFIG[name]
                for name, option in MAILER_OPTIONS.items()
                if EMAIL_CONFIG.get(name)
            },
        }
    }
else:
    vars().update(EMAIL_CONFIG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "comments_plugin",
    "news",
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

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                # comments_plugin needs the request to show visitors their own held comments.
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"

# comments_plugin sends moderator notifications and Akismet feedback as background tasks.
# Django 6 has django.tasks built in; Django 5.2 gets it from the django-tasks backport.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
try:
    import django.tasks
except ImportError:
    INSTALLED_APPS.append("django_tasks")
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

COMMENTS_PLUGIN = {
    "PAGE_SIZE": 20,
    "MAX_DEPTH": 4,
    # Links in moderator e-mails sent outside a request (load_demo) need the host.
    "SITE_URL": env.str("SITE_URL", default="http://127.0.0.1:8000"),
}
