"""Side-by-side benchmark: comments_plugin against django-contrib-comments and django-comments-xtd.

Run it with ``make bench`` (or ``python benchmarks/peers.py --help``). It needs only the
standard library to start; everything else happens in throw-away virtual environments under
``.benchmarks/`` (git-ignored):

1. One virtual environment per app, all on the same Django release: ours installed from this
   repository, the peers' latest releases from the package index.
2. The same small generated project for each app (one ``Article`` model, one article page that
   shows the count, the whole list and the form), SQLite by default or PostgreSQL with
   ``--db postgres`` (database ``bench_<app>``).
3. The same N comments seeded for each app with bulk inserts (fixed random seed, ~30 % replies
   up to depth 4 where the app threads, ~200-character bodies).
4. Per round a fresh process per app, the apps taking turns (A B C, B C A, ...), medians
   over the rounds: render (cold and warm cache; first, so that the peak RSS is the
   render's), 200 posts through the real posting view, then the admin changelist.

Every measurement checks its own result (the page contains every body, 200 posts created
200 rows, the changelist shows 100 rows) and the script refuses to print figures otherwise.
The render keeps no page after checking it and collects the test client's garbage after every
request, so that the peak RSS is that of one render, not of the pages before it.

Set ``BENCH_WORK_DIR`` to use another directory than ``.benchmarks/`` (two runs at once on one
machine would otherwise delete each other's databases).

The process that runs a measurement re-executes this file inside the app's virtual
environment with ``--worker``; that half imports Django, the orchestrating half does not.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# BENCH_WORK_DIR: somewhere else for the virtual environments, projects and databases, so
# that two runs on one machine do not share (and delete) each other's files.
WORK = Path(os.environ.get("BENCH_WORK_DIR") or ROOT / ".benchmarks").resolve()
APPS = ("ours", "contrib", "xtd")
LABELS = {"ours": "comments_plugin", "contrib": "contrib-comments", "xtd": "comments-xtd"}
PEER_PACKAGES = {"contrib": ["django-contrib-comments"], "xtd": ["django-comments-xtd"]}
SEED = 20260101
MARKER = "zqmark"  # one per seeded body: the page must contain exactly N of them
POSTS = 200
MAX_DEPTH = 4
REPLY_SHARE = 0.3
ADMIN_ROWS = 100


# --------------------------------------------------------------------------------------
# The generated project (identical for every app but for the comment app's own lines)
# --------------------------------------------------------------------------------------

SETTINGS = """
import os
SECRET_KEY = "bench-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
ROOT_URLCONF = "benchsite.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_ID = 1
_url = os.environ["BENCH_DATABASE"]
if _url.startswith("postgres://"):
    _rest = _url[len("postgres://"):]
    _user, _, _hostpart = _rest.partition("@")
    _hostport, _, _name = _hostpart.partition("/")
    _host, _, _port = _hostport.partition(":")
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": _name,
                             "USER": _user, "HOST": _host, "PORT": _port or "5432"}}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _url}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "articles",
] + APP_INSTALLED_APPS
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
STATIC_URL = "/static/"
"""

APP_SETTINGS = {
    # Pagination off: the page shows every comment, like the peers' lists.
    # The list cache is off by default; "cold" rows clear it before every request.
    "ours": (
        'APP_INSTALLED_APPS = ["comments_plugin"]\n'
        'COMMENTS_PLUGIN = {"PAGE_SIZE": 0, "LIST_CACHE_TIMEOUT": 600}\n'
    ),
    "contrib": 'APP_INSTALLED_APPS = ["django_comments"]\n',
    "xtd": textwrap.dedent(
        """
        APP_INSTALLED_APPS = ["django_comments_xtd", "django_comments"]
        COMMENTS_APP = "django_comments_xtd"
        COMMENTS_XTD_MAX_THREAD_LEVEL = 4
        # Otherwise an anonymous comment waits for an e-mail confirmation and is not stored.
        COMMENTS_XTD_CONFIRM_EMAIL = False
        COMMENTS_XTD_THREADED_EMAILS = False
        """
    ),
}

APP_URL = {
    "ours": 'path("comments/", include("comments_plugin.urls")),',
    "contrib": 'path("comments/", include("django_comments.urls")),',
    "xtd": 'path("comments/", include("django_comments_xtd.urls")),',
}

URLS = """
from django.contrib import admin
from django.urls import include, path
from articles.views import article_detail

urlpatterns = [
    path("admin/", admin.site.urls),
    APP_URL
    path("articles/<slug:slug>/", article_detail, name="article-detail"),
]
"""

MODELS = """
from django.db import models
from django.urls import reverse


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    body = models.TextField(blank=True)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("article-detail", args=[self.slug])
"""

MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Article",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                ("slug", models.SlugField(unique=True)),
                ("body", models.TextField(blank=True)),
            ],
        ),
    ]
"""

VIEWS = """
from django.shortcuts import get_object_or_404, render
from articles.models import Article


def article_detail(request, slug):
    article = get_object_or_404(Article, slug=slug)
    return render(request, "articles/article.html", {"article": article})
"""

# Each app's documented way to show the count, the whole list and the form.
PAGE = {
    "ours": (
        "{% load comments_plugin %}",
        "{% get_comment_count for article as comment_count %}",
        "{% render_comment_list for article %}",
        "{% render_comment_form for article %}",
    ),
    "contrib": (
        "{% load comments %}",
        "{% get_comment_count for article as comment_count %}",
        "{% render_comment_list for article %}",
        "{% render_comment_form for article %}",
    ),
    "xtd": (
        "{% load comments comments_xtd %}",
        "{% get_comment_count for article as comment_count %}",
        "{% render_xtdcomment_tree for article %}",
        "{% render_comment_form for article %}",
    ),
}

TEMPLATE = """{load}<!DOCTYPE html>
<html><head><title>{{{{ article.title }}}}</title></head><body>
<h1>{{{{ article.title }}}}</h1>{{{{ article.body|linebreaks }}}}
{count}<p class="count">{{{{ comment_count }}}} comments</p>
{listing}
{form}
</body></html>
"""


def project_dir(app: str) -> Path:
    return WORK / f"project-{app}"


def write_project(app: str) -> None:
    base = project_dir(app)
    if base.exists():
        shutil.rmtree(base)
    files = {
        "benchsite/__init__.py": "",
        "benchsite/settings.py": APP_SETTINGS[app] + SETTINGS,
        "benchsite/urls.py": URLS.replace("APP_URL", APP_URL[app]),
        "articles/__init__.py": "",
        "articles/models.py": MODELS,
        "articles/views.py": VIEWS,
        "articles/migrations/__init__.py": "",
        "articles/migrations/0001_initial.py": MIGRATION,
        "articles/templates/articles/article.html": TEMPLATE.format(
            load=PAGE[app][0], count=PAGE[app][1], listing=PAGE[app][2], form=PAGE[app][3]
        ),
    }
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# --------------------------------------------------------------------------------------
# Virtual environments
# --------------------------------------------------------------------------------------


def find_python() -> tuple[str, str]:
    """The newest Python here that runs Django 6.1 (3.12+), else this one (Django 5.2)."""
    candidates: list[tuple[list[str], dict[str, str]]] = []
    for version in ("3.13", "3.12"):
        candidates.append(([f"python{version}"], {}))
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for version in ("3.13", "3.12"):
        for found in sorted((pyenv_root / "versions").glob(f"{version}.*"), reverse=True):
            candidates.append(([str(found / "bin" / "python3")], {}))
    for cmd, extra in candidates:
        try:
            out = subprocess.run(
                [*cmd, "-c", "import sys; print(sys.executable)"],
                capture_output=True,
                text=True,
                timeout=20,
                env={**os.environ, **extra},
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip(), "6.1.*"
    return sys.executable, "5.2.*"


def venv_python(app: str) -> Path:
    return WORK / f"venv-{app}" / "bin" / "python"


def ensure_venvs(apps: list[str], db: str, reinstall: bool) -> dict[str, dict[str, str]]:
    python, django_spec = find_python()
    versions: dict[str, dict[str, str]] = {}
    for app in apps:
        venv = WORK / f"venv-{app}"
        stamp = venv / "bench-stamp.json"
        wanted = {"python": python, "django": django_spec}
        fresh = not stamp.exists() or json.loads(stamp.read_text()) != wanted or reinstall
        if fresh:
            if venv.exists():
                shutil.rmtree(venv)
            print(
                f"creating {venv} ({Path(python).name}, Django {django_spec})",
                flush=True,
            )
            subprocess.run([python, "-m", "venv", str(venv)], check=True)
            packages = [f"django=={django_spec}", "psycopg[binary]>=3.2"]
            packages += PEER_PACKAGES.get(app, [])
            pip = [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
            ]
            with (WORK / f"pip-{app}.log").open("w") as log:
                subprocess.run([*pip, *packages], check=True, stdout=log, stderr=log)
            stamp.write_text(json.dumps(wanted))
        if app == "ours":
            # Always the working tree as it is now (a real install, not an editable one).
            pip = [
                str(venv_python(app)),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
            ]
            with (WORK / f"pip-{app}.log").open("a") as log:
                subprocess.run(
                    [*pip, "--no-deps", "--force-reinstall", str(ROOT)],
                    check=True,
                    stdout=log,
                    stderr=log,
                )
        out = subprocess.run(
            [str(venv_python(app)), "-c", VERSION_PROBE], capture_output=True, text=True, check=True
        )
        versions[app] = json.loads(out.stdout)
    return versions


VERSION_PROBE = """
import json, platform
from importlib.metadata import version
out = {"python": platform.python_version(), "django": version("django")}
for name in ("django-comments-plugin", "django-contrib-comments", "django-comments-xtd"):
    try:
        out[name] = version(name)
    except Exception:
        pass
print(json.dumps(out))
"""


# --------------------------------------------------------------------------------------
# The data set: the same comments for every app
# --------------------------------------------------------------------------------------

WORDS = [
    "comment",
    "thread",
    "reply",
    "django",
    "model",
    "template",
    "query",
    "cache",
    "render",
    "post",
    "spam",
    "moderation",
    "article",
    "reader",
    "author",
    "review",
    "agree",
    "disagree",
    "point",
    "detail",
    "example",
    "performance",
    "release",
    "version",
    "feature",
    "simple",
    "fast",
    "slow",
    "database",
    "index",
    "page",
    "list",
    "form",
    "field",
    "value",
    "result",
    "question",
    "answer",
    "thanks",
    "great",
    "idea",
    "however",
    "because",
    "really",
    "think",
    "would",
    "could",
    "should",
]
NAMES = [
    f"{first} {last}"
    for first in ("Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun")
    for last in ("Moreau", "Okafor", "Silva", "Tanaka", "Weber")
]


def dataset(n: int) -> list[dict[str, Any]]:
    """``n`` comments in submission order; replies point at an earlier comment."""
    rng = random.Random(SEED)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        parent = None
        if rows and rng.random() < REPLY_SHARE:
            for _ in range(5):
                candidate = rows[rng.randrange(len(rows))]
                if candidate["depth"] < MAX_DEPTH:
                    parent = candidate
                    break
        name = rng.choice(NAMES)
        words = [MARKER]
        while sum(len(w) + 1 for w in words) < 200:
            words.append(rng.choice(WORDS))
        rows.append(
            {
                "id": i + 1,
                "parent": parent["id"] if parent else None,
                "root": (parent["root"] if parent else i + 1),
                "depth": parent["depth"] + 1 if parent else 0,
                "name": name,
                "email": name.lower().replace(" ", ".") + "@example.com",
                "url": f"https://{name.split()[0].lower()}.example.org/"
                if rng.random() < 0.3
                else "",
                "body": " ".join(words).capitalize() + ".",
                "minute": i,
            }
        )
    return rows


# --------------------------------------------------------------------------------------
# Worker half: runs inside an app's virtual environment
# --------------------------------------------------------------------------------------


def setup_django(app: str) -> None:
    sys.path.insert(0, str(project_dir(app)))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchsite.settings"
    import django

    django.setup()


def worker_seed(app: str, n: int) -> dict[str, Any]:
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)
    from articles.models import Article

    article = Article.objects.create(title="A benchmark article", slug="bench", body="Text. " * 50)
    Article.objects.create(title="Another article", slug="other")
    get_user_model().objects.create_superuser("admin", "admin@example.com", "admin")
    ct = ContentType.objects.get_for_model(Article)
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    rows = dataset(n)

    def contrib_comments(model: Any) -> list[Any]:
        # contrib-comments' rows; xtd stores the same ones as the parents of its own.
        return [
            model(
                pk=r["id"],
                content_type=ct,
                object_pk=str(article.pk),
                site_id=1,
                user_name=r["name"],
                user_email=r["email"],
                user_url=r["url"],
                comment=r["body"],
                submit_date=start + datetime.timedelta(minutes=r["minute"]),
                ip_address="192.0.2.1",
                is_public=True,
                is_removed=False,
            )
            for r in rows
        ]

    if app == "ours":
        from comments_plugin.models import Comment, Status

        objs = [
            Comment(
                pk=r["id"],
                content_type=ct,
                object_pk=str(article.pk),
                parent_id=r["parent"],
                thread_id=r["root"] if r["parent"] else None,
                depth=r["depth"],
                author_name=r["name"],
                author_email=r["email"],
                author_url=r["url"],
                body=r["body"],
                status=Status.APPROVED,
                submitted_at=start + datetime.timedelta(minutes=r["minute"]),
                ip_address="192.0.2.1",
            )
            for r in rows
        ]
        Comment.objects.bulk_create(objs, batch_size=2000)
    elif app == "contrib":
        from django_comments.models import Comment

        Comment.objects.bulk_create(contrib_comments(Comment), batch_size=2000)
    else:
        from django_comments_xtd.models import XtdComment

        # xtd keeps per-thread order and descendant counts; compute them as it would.
        children: dict[int, list[int]] = {}
        for r in rows:
            if r["parent"]:
                children.setdefault(r["parent"], []).append(r["id"])
        by_id = {r["id"]: r for r in rows}
        order: dict[int, int] = {}
        nested: dict[int, int] = {}

        def walk(root_id: int) -> None:
            position = 0
            visited = []
            stack = [root_id]
            while stack:
                current = stack.pop()
                position += 1
                order[current] = position
                visited.append(current)
                stack.extend(reversed(children.get(current, [])))
            # Descendant counts, deepest first, over this thread only (not every row so far).
            for cid in sorted(visited, key=lambda c: -by_id[c]["depth"]):
                nested[cid] = sum(1 + nested[k] for k in children.get(cid, []))

        for r in rows:
            if not r["parent"]:
                walk(r["id"])
        from django_comments.models import Comment

        # XtdComment extends contrib's Comment through multi-table inheritance, which
        # bulk_create() refuses: insert the parent rows, then the child rows with plain SQL.
        Comment.objects.bulk_create(contrib_comments(Comment), batch_size=2000)
        q = connection.ops.quote_name
        columns = [
            "comment_ptr_id",
            "thread_id",
            "parent_id",
            "level",
            "order",
            "followup",
            "nested_count",
        ]
        sql = (
            f"INSERT INTO {q(XtdComment._meta.db_table)} ({', '.join(q(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                sql,
                [
                    (
                        r["id"],
                        r["root"],
                        r["parent"] or r["id"],
                        r["depth"],
                        order[r["id"]],
                        False,
                        nested[r["id"]],
                    )
                    for r in rows
                ],
            )
    if connection.vendor == "postgresql":
        # Explicit ids were inserted: move the sequences past them, then refresh statistics.
        from django.apps import apps as django_apps
        from django.core.management.color import no_style

        models = list(django_apps.get_models())
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    return {"seeded": n}


def comment_model(app: str) -> Any:
    if app == "ours":
        from comments_plugin.models import Comment

        return Comment
    if app == "contrib":
        from django_comments.models import Comment

        return Comment
    from django_comments_xtd.models import XtdComment

    return XtdComment


def clear_caches() -> None:
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def worker_render(app: str, n: int, repeats: int) -> dict[str, Any]:
    import resource

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    url = "/articles/bench/"

    checked: dict[str, Any] = {}

    def get(cold: bool) -> tuple[float, int]:
        if cold:
            clear_caches()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{app}: GET {url} answered {response.status_code}")
        # Every page is checked, and none is kept: holding on to the pages of earlier
        # requests would add to the peak RSS measured here, the more the bigger the page.
        content = response.content
        del response
        checked.setdefault("bodies_found", set()).add(
            content.count(MARKER.capitalize().encode()) + content.count(MARKER.encode())
        )
        checked.setdefault("has_form", set()).add(
            b"<form" in content and b"csrfmiddlewaretoken" in content
        )
        checked["page_bytes"] = len(content)
        del content
        # The test client's response is in a reference cycle (``response.json`` is a partial
        # of the response), which a real server's is not: collect it now, or the page and
        # everything its templates saw stay in memory until the collector next runs, and the
        # peak RSS measures the collector's timing more than the render.
        gc.collect()
        return elapsed, len(ctx.captured_queries)

    first, _first_queries = get(cold=True)
    cold = [get(cold=True) for _ in range(repeats)]
    # Only our app caches the rendered list; for the peers a warm request is a cold one.
    warm = [get(cold=False) for _ in range(repeats)] if app == "ours" else cold
    found = checked["bodies_found"]
    return {
        "first_ms": first * 1000,
        "cold_ms": statistics.median(t for t, _ in cold) * 1000,
        "cold_queries": max(q for _, q in cold),
        "warm_ms": statistics.median(t for t, _ in warm) * 1000,
        "warm_queries": max(q for _, q in warm),
        # One figure only if every request showed the same number of bodies.
        "bodies_found": found.pop() if len(found) == 1 else -1,
        "has_form": all(checked["has_form"]),
        "page_bytes": checked["page_bytes"],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def post_data(app: str, article: Any, row: dict[str, Any], parent_id: int | None) -> dict[str, Any]:
    """A valid submission as the app's own form would send it (fresh token each time)."""
    data = {"name": row["name"], "email": row["email"], "url": row["url"], "body": row["body"]}
    if app == "ours":
        from comments_plugin.forms import make_token

        # The submit-timer filter scores forms sent faster than a person types (3 s by default);
        # a token issued 30 s ago is what a real visitor's form carries, without waiting.
        # (Not unittest.mock: its objects refer to each other, and collecting ~80 of them per
        # post would put the garbage collector's work inside the timed posts.)
        now = time.time
        time.time = lambda: now() - 30
        try:
            token = make_token(article)
        finally:
            time.time = now
        data.update({"token": token, "homepage": "", "parent": parent_id or ""})
        return data
    import django_comments

    form = django_comments.get_form()(article)
    security = form.generate_security_data()
    data = {
        "name": row["name"],
        "email": row["email"],
        "url": row["url"],
        "comment": row["body"],
        "honeypot": "",
        **security,
    }
    if app == "xtd":
        data.update({"reply_to": parent_id or 0, "followup": ""})
    return data


def worker_post(app: str, n: int, posts: int) -> dict[str, Any]:
    from articles.models import Article
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    model = comment_model(app)
    article = Article.objects.get(slug="bench")
    client = Client()
    url = "/comments/post/"
    before = model.objects.count()
    last_pk = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows = dataset(n + posts)[n:]
    rng = random.Random(SEED + 1)
    seeded_depth = {r["id"]: r["depth"] for r in dataset(n)}
    times: list[float] = []
    queries = 0
    statuses: dict[int, int] = {}
    for i, row in enumerate(rows):
        # One visitor per comment, as on a real site: our flood filter refuses a second
        # comment from one address within seconds (HTTP 429).
        address = f"198.51.{100 + i // 250}.{i % 250 + 1}"
        # ...and a visitor of their own: the flood filter also limits one e-mail address.
        local, _, domain = row["email"].partition("@")
        row = {**row, "email": f"{local}.{n + i}@{domain}"}
        parent_id = None
        if app != "contrib" and seeded_depth and rng.random() < REPLY_SHARE:
            candidate = rng.randrange(1, n + 1)
            if seeded_depth[candidate] < MAX_DEPTH:
                parent_id = candidate
        data = post_data(app, article, row, parent_id)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.post(url, data, REMOTE_ADDR=address)
            times.append(time.perf_counter() - started)
        queries += len(ctx.captured_queries)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    created = model.objects.filter(pk__gt=last_pk)
    created_count = created.count()
    if app == "ours":
        from comments_plugin.models import Status

        public = created.filter(status=Status.APPROVED).count()
    else:
        public = created.filter(is_public=True).count()
    total_after = model.objects.count()
    # Leave the data set as it was for the next measurement.
    created.delete()
    return {
        "posts": posts,
        "total_s": sum(times),
        "per_s": posts / sum(times),
        "median_ms": statistics.median(times) * 1000,
        "queries_per_post": queries / posts,
        "created": created_count,
        "public": public,
        "grew_by": total_after - before,
        "statuses": statuses,
    }


def worker_admin(app: str, n: int, repeats: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    model = comment_model(app)
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    if app == "ours":
        # Our changelist opens on the moderation queue (a redirect); "All" lists every comment.
        url += "?status=all"
    results = []
    content = b""
    for _ in range(repeats + 1):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{app}: GET {url} answered {response.status_code}")
        content = response.content
        results.append((elapsed, len(ctx.captured_queries)))
    results = results[1:]  # the first request compiles templates
    return {
        "ms": statistics.median(t for t, _ in results) * 1000,
        "queries": max(q for _, q in results),
        "rows": content.count(b'name="_selected_action"'),
    }


def worker_main(args: argparse.Namespace) -> None:
    setup_django(args.app)
    if args.worker == "seed":
        result = worker_seed(args.app, args.n)
    elif args.worker == "render":
        result = worker_render(args.app, args.n, args.repeats)
    elif args.worker == "post":
        result = worker_post(args.app, args.n, args.posts)
    elif args.worker == "admin":
        result = worker_admin(args.app, args.n, args.repeats)
    else:
        # All three in one process (render first, so its peak RSS is the render's): a Django
        # process starts in a second or two, which over ~80 measurements was minutes.
        render = worker_render(args.app, args.n, args.repeats)
        post = worker_post(args.app, args.n, args.posts)
        admin = worker_admin(args.app, args.n, args.admin_repeats)
        result = {"render": render, "post": post, "admin": admin}
    print("BENCH-RESULT " + json.dumps(result))


# --------------------------------------------------------------------------------------
# Orchestrating half
# --------------------------------------------------------------------------------------


def database_url(app: str, n: int, db: str) -> str:
    if db == "postgres":
        return f"postgres://postgres@127.0.0.1:5432/bench_{app}"
    return str(WORK / f"db-{app}-{n}.sqlite3")


def ensure_postgres_db(app: str) -> None:
    code = textwrap.dedent(
        f"""
        import psycopg
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_{app}'").fetchone():
                c.execute('CREATE DATABASE "bench_{app}"')
        """
    )
    subprocess.run([str(venv_python(app)), "-c", code], check=True)


def run_worker(app: str, kind: str, n: int, db: str, **extra: Any) -> dict[str, Any]:
    cmd = [
        str(venv_python(app)),
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--app",
        app,
        "--n",
        str(n),
    ]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    env = {**os.environ, "BENCH_DATABASE": database_url(app, n, db), "PYTHONHASHSEED": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("PYTHONPATH", None)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(WORK))
    if out.returncode != 0:
        raise SystemExit(
            f"{LABELS[app]} {kind} N={n} failed:\n{out.stderr[-4000:]}\n{out.stdout[-2000:]}"
        )
    for line in out.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT ") :])
    raise SystemExit(f"{LABELS[app]} {kind} N={n} printed no result:\n{out.stdout[-2000:]}")


def check(errors: list[str], ok: bool, message: str) -> None:
    if not ok:
        errors.append(message)


def fmt_ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n",
        default="100,1000,10000",
        help="comma-separated comment counts (default: 100,1000,10000)",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="rounds per measurement (default 3, --quick 1)"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="one round, N=100,1000, fewer repeats")
    parser.add_argument("--apps", default=",".join(APPS), help=argparse.SUPPRESS)
    parser.add_argument(
        "--reinstall", action="store_true", help="recreate the virtual environments"
    )
    parser.add_argument(
        "--markdown", metavar="FILE", help="also write the table as Markdown to FILE"
    )
    # Worker mode (internal).
    parser.add_argument(
        "--worker", choices=("seed", "render", "post", "admin", "all"), help=argparse.SUPPRESS
    )
    parser.add_argument("--app", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--posts", type=int, default=POSTS, help=argparse.SUPPRESS)
    parser.add_argument("--admin-repeats", type=int, default=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        args.n = int(args.n)
        worker_main(args)
        return 0

    sizes = [int(x) for x in args.n.split(",") if x.strip()]
    if args.quick and args.n == parser.get_default("n"):
        sizes = [100, 1000]
    rounds = args.rounds or (1 if args.quick else 3)
    apps = [a for a in args.apps.split(",") if a in APPS]
    WORK.mkdir(exist_ok=True)
    started = time.monotonic()
    versions = ensure_venvs(apps, args.db, args.reinstall)
    djangos = {v["django"] for v in versions.values()}
    if len(djangos) != 1:
        raise SystemExit(f"The apps ended up on different Django releases: {djangos}")
    print(
        f"Django {djangos.pop()}, Python {versions[apps[0]]['python']}, database {args.db}, "
        f"N={','.join(map(str, sizes))}, {rounds} round(s)",
        flush=True,
    )
    for app in apps:
        write_project(app)
        if args.db == "postgres":
            ensure_postgres_db(app)

    results: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    errors: list[str] = []
    for n in sizes:
        for app in apps:
            if args.db == "sqlite":
                Path(database_url(app, n, args.db)).unlink(missing_ok=True)
            run_worker(app, "seed", n, args.db)
        # Fewer repeats for big N: one render of 10,000 comments takes seconds for some peers.
        render_repeats = 1 if n >= 10_000 else 3 if args.quick or n >= 1000 else 10
        posts = POSTS
        for r in range(rounds):
            order = apps[r % len(apps) :] + apps[: r % len(apps)]
            for app in order:
                res_all = run_worker(
                    app,
                    "all",
                    n,
                    args.db,
                    repeats=render_repeats,
                    posts=posts,
                    admin_repeats=3 if args.quick else 5,
                )
                for kind in ("render", "post", "admin"):
                    res = res_all[kind]
                    results.setdefault((app, kind, n), []).append(res)
                    label = f"{LABELS[app]} {kind} N={n} round {r + 1}"
                    if kind == "render":
                        check(
                            errors,
                            res["bodies_found"] == n,
                            f"{label}: page shows {res['bodies_found']} of {n} bodies",
                        )
                        check(errors, res["has_form"], f"{label}: page has no comment form")
                    elif kind == "post":
                        check(
                            errors,
                            res["created"] == posts and res["grew_by"] == posts,
                            f"{label}: {posts} posts created {res['created']} rows (statuses {res['statuses']})",
                        )
                        check(
                            errors,
                            res["public"] == posts,
                            f"{label}: only {res['public']} of {posts} posts are public",
                        )
                    else:
                        check(
                            errors,
                            res["rows"] == min(n, ADMIN_ROWS),
                            f"{label}: changelist shows {res['rows']} rows",
                        )
            print(
                f"  N={n:>6}: round {r + 1}/{rounds} done ({time.monotonic() - started:.0f} s)",
                flush=True,
            )
    if errors:
        print(
            "\nRefusing to print figures; the measurements were not of working pages:",
            file=sys.stderr,
        )
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return 1

    table = build_table(results, apps, sizes)
    print()
    print(table)
    print(
        f"\n{len(sizes)} sizes x {rounds} rounds in {time.monotonic() - started:.0f} s on "
        f"{os.cpu_count()} CPUs; times are medians, ratio = ours / peer (below 1 is better for "
        f"times, above 1 for throughput)."
    )
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    return 0


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def build_table(
    results: dict[tuple[str, str, int], list[dict[str, Any]]], apps: list[str], sizes: list[int]
) -> str:
    peers = [a for a in apps if a != "ours"]
    header = ["measurement", *(LABELS[a] for a in apps)]
    if "ours" in apps:
        header += [f"ours/{LABELS[p]}" for p in peers]
    lines: list[list[str]] = []

    def row(
        label: str,
        kind: str,
        n: int,
        key: str,
        fmt: Any,
        ratio: bool = True,
        qkey: str | None = None,
    ) -> None:
        values = {a: median_of(results[(a, kind, n)], key) for a in apps}
        cells = []
        for a in apps:
            cell = fmt(values[a])
            if qkey:
                cell += f" / {max(r[qkey] for r in results[(a, kind, n)]):g} q"
            cells.append(cell)
        ratios = []
        if "ours" in apps:
            for p in peers:
                ratios.append(f"{values['ours'] / values[p]:.2f}x" if ratio and values[p] else "")
        lines.append([label, *cells, *ratios])

    for n in sizes:
        row(
            f"render N={n:,}, cold cache (ms / queries)",
            "render",
            n,
            "cold_ms",
            fmt_ms,
            qkey="cold_queries",
        )
        row(
            f"render N={n:,}, warm cache (ms / queries; peers cache nothing)",
            "render",
            n,
            "warm_ms",
            fmt_ms,
            qkey="warm_queries",
        )
        row(f"render N={n:,}, first request of a process (ms)", "render", n, "first_ms", fmt_ms)
    for n in sizes:
        row(
            f"post N={n:,}, {POSTS} comments (comments/s / queries per post)",
            "post",
            n,
            "per_s",
            lambda v: f"{v:,.0f}/s",
            qkey="queries_per_post",
        )
    for n in sizes:
        row(f"admin changelist N={n:,} (ms / queries)", "admin", n, "ms", fmt_ms, qkey="queries")
    for n in sizes:
        row(f"peak RSS, render process N={n:,} (MB)", "render", n, "rss_mb", lambda v: f"{v:,.0f}")
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in lines:
        out.append(
            "| "
            + " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            + " |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    if platform.system() != "Linux":
        print("Peak RSS is read from getrusage in kilobytes, as on Linux.", file=sys.stderr)
    sys.exit(main())
