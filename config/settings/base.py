"""Settings shared by every environment, all read through django-environ."""

import os
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Files of the embedded default (SQLite database, static and media files).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

VERSION = "0.1.0"

SECRET_KEY = env("SECRET_KEY", default="partline-local-development-key-not-for-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "config.apps.ConfigAppConfig",
    "inventory",
    "warehouse",
    "analytics",
    "django_celery_beat",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "config.ops.middleware.RequestIdMiddleware",
    # Health probes pass whatever Host they carry; must come before anything that checks it.
    "config.ops.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.ops.middleware.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.ops.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.context_processors.partline",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, SQLite under var/ otherwise. The engines are
# django-prometheus wrappers so that query counts and latencies reach /metrics.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'partline.sqlite3'}"),
}
_DB_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
DATABASES["default"]["ENGINE"] = _DB_ENGINES.get(
    DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"]
)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2)
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # Writers take the lock when their transaction begins: a deferred transaction that reads
    # first and then writes cannot wait for the lock (SQLite answers "database is locked" at
    # once), whereas BEGIN IMMEDIATE waits up to the timeout above.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    _sqlite_file = DATABASES["default"].get("NAME") or ""
    if _sqlite_file and _sqlite_file != ":memory:" and not _sqlite_file.startswith("file:"):
        # SQLite creates the file but not its directory: a fresh clone has no var/ yet.
        os.makedirs(Path(_sqlite_file).parent, exist_ok=True)

# Connection reuse (CONN_MAX_AGE above) with a check before reuse, and the optional read
# replica that analytics reads go to (config/db_router.py; writes always go to "default").
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    _replica["ENGINE"] = _DB_ENGINES.get(_replica["ENGINE"], _replica["ENGINE"])
    _replica["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], **_replica.get("OPTIONS", {})}
    for _key in ("ATOMIC_REQUESTS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        _replica[_key] = DATABASES["default"][_key]
    # Test runs build one database: the replica alias reads it too.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = "postgresql" in DATABASES["default"]["ENGINE"]

# Cache, Celery broker and results: Redis from REDIS_URL, in-process otherwise.
REDIS_URL = env("REDIS_URL", default="")
# A hung Redis (accepting connections, never answering) costs a request at most one short socket
# timeout: after a failure the circuit breaker (config/ops/redis_breaker.py) skips Redis for
# REDIS_BREAKER_SECONDS, and the cache answers "miss" at once. The throttle counts in this cache.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.05)
REDIS_SOCKET_CONNECT_TIMEOUT = env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=0.05)
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5.0)
REDIS_CACHE_OPTIONS = {
    "CLIENT_CLASS": "django_redis.client.DefaultClient",
    "REDIS_CLIENT_CLASS": "config.ops.redis_breaker.BreakerRedis",
    "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_CONNECT_TIMEOUT,
    "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": dict(REDIS_CACHE_OPTIONS),
            "KEY_PREFIX": "partline",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache",
            "LOCATION": "partline",
        }
    }
# A cache outage is logged, never raised: pages and the API keep serving without it.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# The worker keeps Django's LOGGING (config/celery.py): JSON lines carrying the request id.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Nightly: recompute every stock balance from the ledger, record it, export the mismatch gauge.
CELERY_BEAT_SCHEDULE["warehouse-verify-stock"] = {
    "task": "warehouse.verify_stock",
    "schedule": crontab(hour=2, minute=30),
}
# Nightly: recompute recent daily OEE, then refit the OEE forecasts of every line.
CELERY_BEAT_SCHEDULE["analytics-compute-oee"] = {
    "task": "analytics.compute_oee",
    "schedule": crontab(hour=1, minute=15),
}
CELERY_BEAT_SCHEDULE["analytics-forecast-oee"] = {
    "task": "analytics.forecast_oee",
    "schedule": crontab(hour=1, minute=45),
}
# Beat reads its schedule from the database (django-celery-beat), where an operator edits it in
# the admin (Periodic tasks). The order map's refreshes (vendors every 10 minutes, orders daily at
# 09:00 in TIME_ZONE) are rows created by analytics/migrations/0003_geo.py, not entries here:
# beat writes this dict's entries back over their rows at every start.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Map tiles: a URL template like https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty = no tiles
# (the layers show on a blank background). The tile host is added to the map page's CSP img-src.
GEO_TILE_URL = env("GEO_TILE_URL", default="")
GEO_TILE_ATTRIBUTION = env("GEO_TILE_ATTRIBUTION", default="")
# Orders in the demo city of `load_demo` (tests use fewer: config/settings/test.py).
GEO_DEMO_ORDERS = env.int("GEO_DEMO_ORDERS", default=200_000)
# /health/detailed asks these how fresh their scheduled data is.
HEALTH_REFRESH_PROVIDERS = [
    "warehouse.selectors.verification_freshness",
    "analytics.geo.selectors.refresh_freshness",
]
# Seconds the readiness check waits for PostgreSQL to answer a protocol probe before giving up.
HEALTH_DB_PROBE_TIMEOUT = env.float("HEALTH_DB_PROBE_TIMEOUT", default=1.0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password reset emails: printed to the console unless an email backend is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="partline@localhost")

# Repeated failed logins lock the username+address out for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

RATE_LIMIT_PER_MINUTE = env.int("RATE_LIMIT_PER_MINUTE", default=60)
# The most lines one stock document may have (API, pages, admin, imports); more is a 400.
DOCUMENT_MAX_LINES = env.int("DOCUMENT_MAX_LINES", default=10_000)
# When the shared cache is down the throttle cannot count. "open" lets requests through
# (availability first); "closed" answers 429 (protection first).
THROTTLE_FAIL_MODE = env("THROTTLE_FAIL_MODE", default="open")

# Reverse proxies in front of the app (nginx: 1); see config/ops/client_ip.py. With 0, no
# forwarding header is believed: not X-Forwarded-For (throttles, lockout) nor X-Forwarded-Proto.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.ops.client_ip.client_ip"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None

# Largest request body read into memory (bytes; Django's default 2.5 MB): the API answers 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Deepest nesting of arrays and objects a JSON request body may have (config/api/parsers.py).
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)

# Seconds an API token's user and permissions are served from the cache; any change to tokens,
# users, groups or permissions through the models forgets them at once (0: never cached).
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=30)

# Seconds a rack's cached layout and thermal analysis may live (warehouse/racks/selectors.py:
# forgotten at once whenever the rack changes; this bounds only writes that bypass the signals).
RACK_CACHE_SECONDS = env.int("RACK_CACHE_SECONDS", default=600)

# Seconds a page of a cached API list (parts, stock levels) may live: forgotten at once when the
# data revision it was read under changes (config/revisions.py); 0: never cached.
API_LIST_CACHE_SECONDS = env.int("API_LIST_CACHE_SECONDS", default=300)

REST_FRAMEWORK = {
    # The throttles ask config.ops.client_ip (get_ident); this says the same to DRF itself.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: unauthenticated requests get 401 with a WWW-Authenticate header. The
        # token's user and permissions come from the cache (config/api/authentication.py).
        "config.api.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON through orjson, byte for byte what DRF's JSONRenderer writes (config/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": [
        "config.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.DjangoModelPermissionsWithView"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.throttling.SharedCacheAnonRateThrottle",
        "config.api.throttling.SharedCacheUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": f"{RATE_LIMIT_PER_MINUTE}/min",
        "user": f"{RATE_LIMIT_PER_MINUTE}/min",
    },
    # DRF's defaults, with a JSON parser that refuses bodies nested deeper than API_JSON_MAX_DEPTH.
    "DEFAULT_PARSER_CLASSES": [
        "config.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.PartlineAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partline API",
    "DESCRIPTION": "Parts, BOMs, warehouses, stock documents, racks and production analytics.",
    "VERSION": VERSION,
    # One name per shared choice set (a rack face appears as face, from_face and to_face).
    "ENUM_NAME_OVERRIDES": {
        "RackFaceEnum": "warehouse.choices.RackFace",
        "DataKindEnum": "analytics.geo.models.DataSource.Kind",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Every operation documents its error answers too (400/401/403/404/429).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.add_error_responses",
        "config.api.schema.state_path_id_ranges",
    ],
}

# load_demo resets the admin to the public demo password: only where DEBUG is on (local) or
# the database is a throwaway (test), unless the command is given --force.
DEMO_DATA_ALLOWED = DEBUG

# Operations endpoints.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
OPS_TOKEN = env("OPS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False
# Read from the database at every scrape of /metrics (figures written by other processes).
METRICS_COLLECTORS = [
    "warehouse.metrics.StockVerificationCollector",
    "analytics.geo.metrics.FreshnessCollector",
]

CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "config.ops.logging.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "config.ops.logging.JsonFormatter",
        },
        "text": {
            "format": "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": LOG_FORMAT if LOG_FORMAT in ("json", "text") else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
