"""Fichive's one settings module: every knob is a FICHIVE_* environment variable with a
safe default."""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f"{name} must be a whole number, like {default}; it is “{value}”."
        ) from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, like {default}; it is “{value}”."
                         ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


_YES = {"1", "true", "yes", "on"}
_NO = {"", "0", "false", "no", "off"}


def email_from_url(url: str) -> dict[str, Any]:
    """Django's EMAIL_* settings from a mail server URL: `smtp://user:password@host:port/`
    with `?tls=1` for STARTTLS, or `smtps://…` for TLS from the start; `?timeout=30`
    seconds. The port defaults to 465 (smtps), 587 (tls) or 25. Errors never repeat the
    password."""
    parts = urlsplit(url.strip())
    shown = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("FICHIVE_EMAIL_URL must look like smtp://user:password@host:587/?tls=1"
                         f" or smtps://user:password@host; it is “{shown}”.")
    query = {key.lower(): values[-1].strip().lower()
             for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(query) - {"tls", "ssl", "timeout"}
    if unknown or query.get("tls", "") not in _YES | _NO or query.get("ssl", "") not in _YES | _NO:
        raise ValueError("FICHIVE_EMAIL_URL takes only ?tls=1 (STARTTLS), ?ssl=1 (the same as "
                         f"smtps://) and ?timeout=SECONDS; it is “{shown}”.")
    ssl = parts.scheme == "smtps" or query.get("ssl", "") in _YES
    tls = query.get("tls", "") in _YES
    if ssl and tls:
        raise ValueError("FICHIVE_EMAIL_URL asks for both STARTTLS (?tls=1) and TLS from the "
                         f"start (smtps:// or ?ssl=1); choose one. It is “{shown}”.")
    try:
        port = parts.port or (465 if ssl else 587 if tls else 25)
        timeout = int(query["timeout"]) if "timeout" in query else None
    except ValueError:
        raise ValueError("FICHIVE_EMAIL_URL has a port or timeout that isn't a whole number; "
                         f"it is “{shown}”.") from None
    found: dict[str, Any] = {
        "EMAIL_HOST": parts.hostname, "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls, "EMAIL_USE_SSL": ssl,
    }
    if timeout is not None:
        found["EMAIL_TIMEOUT"] = timeout
    return found


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; it is “{value}”.")
    return value


# The data dir holds the database, mail with reset links, the secret key, uploads and caches:
# only the archive's own user may enter it (0700), and whatever a process of the archive creates
# (SQLite's database and WAL, mail, downloads, caches) is readable by that user alone
# (umask 077, set here so the server, the task worker and every command get it).
os.umask(0o077)
DATA_DIR = Path(env_str("FICHIVE_DATA_DIR", "var")).resolve()


def _private_dir(path: Path) -> None:
    """Create `path` 0700, or take group and other access away from one we own."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        path.chmod(0o700)


_private_dir(DATA_DIR)


def _secret_key() -> str:
    """FICHIVE_SECRET_KEY, or one generated on first run and kept in the data dir."""
    configured = env_str("FICHIVE_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Created 0600 from the start (not chmod-ed after it was written).
        try:
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process of the archive made it just now
            pass
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("FICHIVE_DEBUG", False)
ALLOWED_HOSTS = env_list("FICHIVE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Origins a form may be posted from besides the host itself, with the scheme:
# "https://fics.example.org". Needed behind a proxy that terminates TLS.
CSRF_TRUSTED_ORIGINS = env_list("FICHIVE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "fichive.accounts",
    "fichive.tags",
    "fichive.works",
    "fichive.search",
    "fichive.formats",
    "ninja",
    "fichive.api",
    "fichive.kudos",
    "fichive.comments",
    "fichive.bookmarks",
    "fichive.subscriptions",
    "fichive.inbox",
    "fichive.readings",
    "fichive.gifts",
    "fichive.series",
    "fichive.stats",
    "fichive.blocking",
    "fichive.pages",
    "fichive.signups",
    "fichive.moderation",
    "fichive.apppasswords",
    "fichive.opds",
    "fichive.feeds",
    "fichive.recommendations",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    # Outermost: stores guests' pages with every header the others add (fichive/lib/cache.py).
    "fichive.lib.cache.GuestPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, static files included
    # (fichive/lib/headers.py); inside the page cache, so stored pages keep them.
    "fichive.lib.headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # An upload over FICHIVE_MAX_UPLOAD_MB is refused (413) before it is read (lib/uploads.py).
    "fichive.lib.uploads.RequestTooLargeMiddleware",
    # An address holding NUL gets a plain 400 (PostgreSQL can't take it in text).
    "fichive.lib.requestguard.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on whatever a logged-in user is sent.
    "fichive.lib.headers.PrivatePagesMiddleware",
    # A logged-in user's dates and times in their time zone (accounts.Preference).
    "fichive.accounts.preferences.TimeZoneMiddleware",
    "fichive.lib.db_router.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Guests following a link to a restricted work go to the login page (works/selectors.py).
    "fichive.works.middleware.RestrictedWorkLoginMiddleware",
    # A reached rate limit (RateLimited) is answered 429 with Retry-After (lib/ratelimit.py).
    "fichive.lib.ratelimit.RateLimitedMiddleware",
    # "database is locked" (a write lock held past the busy timeout) is answered 503 with
    # Retry-After, never a 500 (lib/dbbusy.py).
    "fichive.lib.dbbusy.DatabaseBusyMiddleware",
    # A suspended or banned user's refused post gets a page saying why (moderation app).
    "fichive.moderation.middleware.AccountRestrictedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A log-in refused by the lockout gets the 429 page (django-axes; accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fichive.urls"
WSGI_APPLICATION = "fichive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fichive.accounts.preferences.preferences_context",
            ],
            # {% inline_style %}: a <style> element the page's CSP allows by its hash.
            "libraries": {"headers": "fichive.lib.headers"},
            # {% url %} with its answers kept (lib/templateurls.py), in every template.
            "builtins": ["fichive.lib.templateurls"],
        },
    }
]


def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers and a writer work at once; the busy timeout waits for a lock
        # instead of failing; IMMEDIATE transactions avoid deadlocking upgrades. The
        # connection is kept between requests like PostgreSQL's (opening one per request
        # cost ~1.6 ms of CPU and threw SQLite's page cache away); a local file needs no
        # health check.
        config.pop("CONN_HEALTH_CHECKS", None)
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    return config


DATABASES = {
    "default": _database(
        env_str("FICHIVE_DATABASE_URL", f"sqlite:///{DATA_DIR / 'fichive.sqlite3'}")
    )
}
# Read replicas (comma-separated database URLs): guests' page views read from them, everything
# else uses the primary (see fichive/lib/db_router.py). A browser that has just posted a form
# reads from the primary for FICHIVE_REPLICA_PIN_SECONDS, longer than replicas lag behind.
FICHIVE_READ_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("FICHIVE_DATABASE_REPLICA_URLS")):
    _alias = f"replica{_number}"
    DATABASES[_alias] = {**_database(_url), "TEST": {"MIRROR": "default"}}
    FICHIVE_READ_REPLICAS.append(_alias)
FICHIVE_REPLICA_PIN_SECONDS = env_int("FICHIVE_REPLICA_PIN_SECONDS", 10)
DATABASE_ROUTERS = ["fichive.lib.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The lockout backend goes first: it refuses a locked-out log-in before a password is hashed.
AUTHENTICATION_BACKENDS = ["fichive.accounts.backends.LockoutBackend",
                           "fichive.accounts.backends.ClaimedModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log-in lockout (django-axes, fichive/accounts/lockout.py): after AXES_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair is refused (429, with Retry-After)
# for the cool-off. Failures count in the shared `ratelimit` cache (below), not in database
# rows: an attack then costs no writes (SQLite has one writer), and the counts hold across
# worker processes; the `fichive.security` log keeps the trail. The address-wide limits (log-in
# posts, failures under any name) are in accounts/lockout.py.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "ratelimit"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("FICHIVE_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("FICHIVE_LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out don't extend the lock, so the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "fichive.accounts.lockout.username_for_lockout"
AXES_CLIENT_IP_CALLABLE = "fichive.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "fichive.accounts.lockout.locked_out_response"
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Mail (password resets): written to files in the data dir unless an SMTP URL is set.
EMAIL_BACKEND = env_str(
    "FICHIVE_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
# Mail over SMTP when FICHIVE_EMAIL_HOST is set (notifications, password resets, claims).
EMAIL_HOST = env_str("FICHIVE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("FICHIVE_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("FICHIVE_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("FICHIVE_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("FICHIVE_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("FICHIVE_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("FICHIVE_EMAIL_TIMEOUT", 30)
if env_str("FICHIVE_EMAIL_HOST") and not env_str("FICHIVE_EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Or all of it in one URL (wins over the knobs above): smtp://user:password@host:587/?tls=1
# (STARTTLS) or smtps://user:password@host (TLS from the start, port 465 unless given);
# user and password percent-encoded (an @ in a user name is %40).
if env_str("FICHIVE_EMAIL_URL"):
    _email = email_from_url(env_str("FICHIVE_EMAIL_URL"))
    EMAIL_HOST, EMAIL_PORT = _email["EMAIL_HOST"], _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS, EMAIL_USE_SSL = _email["EMAIL_USE_TLS"], _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT", EMAIL_TIMEOUT)
    if not env_str("FICHIVE_EMAIL_BACKEND"):
        EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# The archive's public address, for links in mail: "https://fics.example.org" (without it,
# http:// and the first of FICHIVE_ALLOWED_HOSTS).
FICHIVE_SITE_URL = env_str("FICHIVE_SITE_URL")
DEFAULT_FROM_EMAIL = env_str("FICHIVE_FROM_EMAIL", "Fichive <noreply@localhost>")
# How long a link to claim an imported account works.
CLAIM_LINK_HOURS = int(env_str("FICHIVE_CLAIM_LINK_HOURS", "72") or 72)

# Background tasks (fichive/lib/tasks.py): queued in the archive's own database and run by
# `fichive worker`, which `fichive serve` starts beside gunicorn unless told not to.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Hits and reading history are kept in memory (or Redis) and written in batches this often,
# and when a worker stops (fichive/readings/buffer.py); 0 writes only when a worker stops.
FICHIVE_HITS_FLUSH_SECONDS = env_float("FICHIVE_HITS_FLUSH_SECONDS", 5.0)

# What one search may cost (fichive/search/limits.py): seconds of database time before it is
# stopped and answered "too broad, narrow it" (0: no limit), and searches per minute for one
# address or account (0: no limit).
FICHIVE_SEARCH_TIME_LIMIT = env_float("FICHIVE_SEARCH_TIME_LIMIT", 1.5)
FICHIVE_SEARCH_PER_MINUTE = env_int("FICHIVE_SEARCH_PER_MINUTE", 60)

# The cache: Redis when FICHIVE_REDIS_URL is set (redis://host:6379/0), shared by every worker
# process and command; else a diskcache store (SQLite files) in DATA_DIR/cache, which every
# worker process and `fichive` command on this machine shares, up to FICHIVE_CACHE_MB on disk.
# FICHIVE_CACHE=memory keeps it in each process's memory instead (one process only: the page
# cache then can't hear of changes made elsewhere; the test run uses it).
FICHIVE_REDIS_URL = env_str("FICHIVE_REDIS_URL")
FICHIVE_CACHE = env_choice("FICHIVE_CACHE", "disk", ("disk", "memory"))
FICHIVE_CACHE_MB = env_int("FICHIVE_CACHE_MB", 512)
CACHES: dict[str, dict[str, Any]]
if FICHIVE_REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": FICHIVE_REDIS_URL,
        "KEY_PREFIX": env_str("FICHIVE_CACHE_PREFIX", "fichive"),
    }}
elif FICHIVE_CACHE == "disk":
    CACHES = {"default": {"BACKEND": "fichive.lib.cache.SharedDiskCache",
                          "LOCATION": str(DATA_DIR / "cache"),
                          "OPTIONS": {"size_limit": FICHIVE_CACHE_MB * 1024 * 1024}}}
else:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fichive",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }}
# Rate limits (fichive/lib/ratelimit.py, django-ratelimit) count in a cache every worker
# process and command shares: Redis when configured, else a diskcache store (SQLite, atomic
# increments) in the data dir.
if FICHIVE_REDIS_URL:
    # Failing open: while Redis is unreachable, limits are off rather than actions failing.
    CACHES["ratelimit"] = {**CACHES["default"],
                           "BACKEND": "fichive.lib.failopen_cache.FailOpenRedisCache",
                           "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + ":rl"}
else:
    CACHES["ratelimit"] = {"BACKEND": "fichive.lib.cache.SharedDiskCache",
                           "LOCATION": str(DATA_DIR / "ratelimits"),
                           "OPTIONS": {"size_limit": 64 * 1024 * 1024}}
RATELIMIT_USE_CACHE = "ratelimit"
# Off only for load tests from one address (bench/run.py); never on a public archive.
RATELIMIT_ENABLE = env_bool("FICHIVE_RATE_LIMITS", True)
# A broken cache lets actions through rather than refusing everyone.
RATELIMIT_FAIL_OPEN = True
# Guests' rendered pages (works, chapters, listings; fichive/lib/cache.py). On by default with
# a cache every process shares (Redis, or the disk store); with FICHIVE_CACHE=memory a
# process's memory doesn't hear of changes made by other worker processes or by `fichive`
# commands, so turn it on there only for a single-process server.
FICHIVE_PAGE_CACHE = env_bool("FICHIVE_PAGE_CACHE",
                              bool(FICHIVE_REDIS_URL) or FICHIVE_CACHE == "disk")
FICHIVE_PAGE_CACHE_SECONDS = env_int("FICHIVE_PAGE_CACHE_SECONDS", 3600)
# Each worker also keeps the pages it served lately in its own memory, up to this many
# megabytes, and serves them again without reading the shared store until a change is heard of.
FICHIVE_PAGE_CACHE_LOCAL_MB = env_int("FICHIVE_PAGE_CACHE_LOCAL_MB", 64)
# How many new pages one address may add to guests' page cache a minute; beyond it its pages
# are still served, rendered each time, so one client can't fill the cache. 0: no budget.
FICHIVE_PAGE_CACHE_NEW_PER_MINUTE = env_int("FICHIVE_PAGE_CACHE_NEW_PER_MINUTE", 120)
# The parts of a work's page that are the same for every reader (meta block, chapter text,
# navigation; lib/fragments.py) are kept in each process's memory, up to this many
# megabytes, and reused for every reader until the work's version changes. On by default
# where those versions are shared by every process (Redis, or the disk store), like the page
# cache above; 0 turns it off.
FICHIVE_FRAGMENT_CACHE_MB = env_int(
    "FICHIVE_FRAGMENT_CACHE_MB", 16 if FICHIVE_REDIS_URL or FICHIVE_CACHE == "disk" else 0)
# "More like this" on work pages (fichive/recommendations): works with rare tags, readers
# and words in common, precomputed by a task. off hides it for everyone (each reader can
# also turn it off in their preferences).
FICHIVE_RECOMMENDATIONS = env_bool("FICHIVE_RECOMMENDATIONS", True)
# Who may sign up (fichive/signups): "open" (anyone), "invite" (with an invitation code, from
# the queue at /invite_requests or from a user) or "closed". Admins can override it at
# /admin/signups. Every sign-up accepts the terms of service and confirms this minimum age.
FICHIVE_SIGNUP = env_choice("FICHIVE_SIGNUP", "open", ("open", "invite", "closed"))
FICHIVE_MIN_AGE = env_int("FICHIVE_MIN_AGE", 13)
# In invitation mode, how many people from the queue get an invitation each day (UTC), and
# how many days an invitation code works once sent.
FICHIVE_INVITATIONS_PER_DAY = env_int("FICHIVE_INVITATIONS_PER_DAY", 20)
FICHIVE_INVITATION_DAYS = env_int("FICHIVE_INVITATION_DAYS", 14)
# The archive's name, as downloads say where a work was posted (and their publisher).
FICHIVE_SITE_NAME = env_str("FICHIVE_SITE_NAME", "Fichive")
# Download files are built once per revision and kept in DATA_DIR/downloads
# (fichive/formats/downloads.py): at most this many are built at once across every worker
# process, and a request waits this long for a free build slot before a 503 "try again".
FICHIVE_DOWNLOAD_BUILDS = env_int("FICHIVE_DOWNLOAD_BUILDS", 2)
FICHIVE_DOWNLOAD_WAIT_SECONDS = env_float("FICHIVE_DOWNLOAD_WAIT_SECONDS", 10.0)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Collected static files (`fichive setup`), public like the pages that link them; outside the
# data dir if nginx serves them itself (it can't enter the data dir).
STATIC_ROOT = Path(env_str("FICHIVE_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
if not STATIC_ROOT.exists():
    STATIC_ROOT.mkdir(parents=True)
    STATIC_ROOT.chmod(0o755)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Collected under names carrying a hash of their content, with gzip and brotli copies,
    # so WhiteNoise sends them with `Cache-Control: max-age=31536000, public, immutable` and
    # a browser asks for each once; pages link the plain name until collectstatic has run
    # (fichive/lib/staticfiles.py).
    "staticfiles": {"BACKEND": "fichive.lib.staticfiles.ArchiveStaticFilesStorage"},
}
# Serve straight from the app's static folders too, so a missing collectstatic never
# leaves a page unstyled.
WHITENOISE_USE_FINDERS = True

# The largest file an upload (the import form) may carry, in MB: 50 holds an EPUB with its
# pictures or a zip of a writer's whole back catalogue, and is the most the importers read.
# Requests may be 1 MB larger (the form around the file); larger ones get a 413 before they
# are read, and a file is cut off as soon as it passes the limit (fichive/lib/uploads.py).
# A reverse proxy should allow the same: nginx `client_max_body_size 51m;` for 50.
FICHIVE_MAX_UPLOAD_MB = env_int("FICHIVE_MAX_UPLOAD_MB", 50)
if not 1 <= FICHIVE_MAX_UPLOAD_MB <= 50:
    raise ValueError("FICHIVE_MAX_UPLOAD_MB must be between 1 and 50 (the largest EPUB or zip "
                     f"the importers read); it is {FICHIVE_MAX_UPLOAD_MB}.")
FILE_UPLOAD_HANDLERS = [
    "fichive.lib.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Files up to this size are kept in memory while uploading, larger ones in a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Form fields and API bodies (not files): a long chapter with room to spare.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Pages fetched for an import (the archivist API's chapter URLs, lib/fetch.py) never come
# from private, loopback, link-local or otherwise non-public addresses, so an import can't
# reach the archive's own network. FICHIVE_IMPORT_ALLOW_PRIVATE_URLS lifts that for the host
# names listed (as written in the URLs, e.g. "oldarchive.lan,192.168.1.20"), or for every
# host with "*" (or 1, true, on): for an archive moving a site on its own network.
_ALLOW_PRIVATE = env_list("FICHIVE_IMPORT_ALLOW_PRIVATE_URLS")
IMPORT_ALLOW_PRIVATE_URLS: list[str] = (
    ["*"] if [v.lower() for v in _ALLOW_PRIVATE] in (["1"], ["true"], ["yes"], ["on"])
    else [] if [v.lower() for v in _ALLOW_PRIVATE] in (["0"], ["false"], ["no"], ["off"])
    else [v.lower() for v in _ALLOW_PRIVATE])

# Sessions live in the database; with the disk cache (never down, shared by every process)
# a session is also kept there and read from it (a logged-in page then reads no session row).
# Not with Redis: while Redis is unreachable, logged-in pages would fail with it.
if not FICHIVE_REDIS_URL and FICHIVE_CACHE == "disk":
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("FICHIVE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# With secure cookies, "__Host-" names: browsers take them only over HTTPS, for this host
# alone and path "/", so another subdomain or a plain-HTTP page can't plant or overwrite them.
_COOKIE_PREFIX = "__Host-" if SESSION_COOKIE_SECURE else ""
SESSION_COOKIE_NAME = f"{_COOKIE_PREFIX}sessionid"
CSRF_COOKIE_NAME = f"{_COOKIE_PREFIX}csrftoken"
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (see README).
if env_bool("FICHIVE_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("FICHIVE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("FICHIVE_HSTS_SECONDS", 0)
# Ask browsers to preload HTTPS for the domain (https://hstspreload.org) and for every
# subdomain; only with FICHIVE_HSTS_SECONDS set, and only once every subdomain has HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FICHIVE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("FICHIVE_HSTS_PRELOAD", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp; fichive/lib/headers.py). No script but the archive's own
# files; styles from its own files plus, per page, the exact <style> elements the page was
# rendered with (a work skin, a reader's font settings), allowed by their hashes. Images as the
# sanitizer lets user HTML have them: the archive's own and any http(s) address
# (fichive/lib/sanitize.py URL_ATTRIBUTES). No plugins, no <base>, no framing, forms post only
# here.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", "http:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'none'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "worker-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Features no page of the archive uses, refused to every page and to anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics",
        "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
        "gyroscope", "hid", "idle-detection", "interest-cohort", "local-fonts",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_4xx_tracebacks": {"()": "fichive.lib.logfilters.NoTracebackForClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FICHIVE_LOG_LEVEL", "WARNING")},
    # A 403 or 404 is logged as one line ("Forbidden (Permission denied): /path").
    "loggers": {
        "django.request": {"filters": ["no_4xx_tracebacks"]},
        # Security events (failed log-ins, lockouts, password and email changes, roles): one
        # line each with the user's id and a hash of the address (fichive/lib/securitylog.py).
        "fichive.security": {"level": "INFO"},
        # django-axes logs addresses and user names in clear; the line above says it instead.
        "axes": {"level": "ERROR"},
    },
}
