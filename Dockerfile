# syntax=docker/dockerfile:1
#
# newsmon: one image for every Airflow component (api-server, scheduler,
# dag-processor, triggerer) and for the one-shot `airflow-init` job.
# Dependencies come from uv.lock only (`uv sync --frozen`), so the image runs
# exactly the versions that were tested.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# Pinned uv, matching the version the lock file was produced with.
RUN pip install --no-cache-dir "uv==0.13.9"

# Unprivileged runtime user (uid/gid 50000, the usual Airflow convention).
RUN groupadd --system --gid 50000 airflow \
    && useradd --system --uid 50000 --gid airflow --home-dir /opt/airflow --no-create-home airflow

WORKDIR /app

# Dependencies first, without the project, so this layer is cached until
# pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

# Then the project itself (see .dockerignore for what is left out).
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

ENV PATH="/app/.venv/bin:${PATH}" \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/app/dags \
    NEWSMON_DATA_DIR=/data

# Directories that named volumes are mounted on must exist in the image and be
# owned by the runtime user: Docker copies that ownership into a new volume.
RUN mkdir -p /opt/airflow/logs /data \
    && chown -R airflow:airflow /opt/airflow /data

USER airflow

CMD ["airflow", "version"]
