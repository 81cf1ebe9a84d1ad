# syntax=docker/dockerfile:1
# Partline: a multi-stage build; the runtime image runs gunicorn as a non-root user.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY requirements/ requirements/
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements/prod.txt

FROM python:3.11-slim AS runtime
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
# The PostgreSQL client of the server's major version (docker-compose.yml runs postgres:16):
# `manage.py backup` runs `pg_dump -Fc` and `restore` runs `pg_restore`, and a pg_dump older than
# the server refuses to dump it. Debian's own client is whatever version the release carries, so
# it comes from the PostgreSQL project's apt repository (PGDG) for this image's Debian release,
# signed by its key; the build fails here if the installed pg_dump is not of that major version.
# Change POSTGRES_MAJOR together with the postgres image in docker-compose.yml.
ARG POSTGRES_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && . /etc/os-release \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpq5 "postgresql-client-${POSTGRES_MAJOR}" \
    && pg_dump --version | grep -q " ${POSTGRES_MAJOR}\." \
    && pg_restore --version | grep -q " ${POSTGRES_MAJOR}\." \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system partline && useradd --system --gid partline --home /app partline
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=partline:partline . .
# collectstatic needs settings that import: a throwaway key and host for the build step only.
# PROMETHEUS_MULTIPROC_DIR is set above, so every process (collectstatic too) writes its metric
# files there: the directory must exist first, and is emptied after so that no build-time file
# is baked into the image (gunicorn empties it again when it starts).
RUN mkdir -p /app/var /tmp/prometheus \
    && SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && rm -rf /tmp/prometheus/* \
    && chown -R partline:partline /app/var /app/staticfiles /tmp/prometheus
USER partline
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/health/live || exit 1
CMD ["gunicorn", "config.wsgi:application", "-c", "deploy/gunicorn.conf.py"]
