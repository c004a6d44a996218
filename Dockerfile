# syntax=docker/dockerfile:1
# One Dockerfile, two images:
#   --target app        -> hostel-mess            (mess serve | worker | beat | migrate | seed)
#   --target analytics  -> hostel-mess-analytics  (mess analytics, Streamlit under /analytics)
# BASE_IMAGE only has to provide python3 (3.11, with the venv module) on PATH: the official slim image,
# or a Debian bookworm root filesystem with python3 + python3-venv (scripts/build-images.sh makes one).
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ARG UV_VERSION=0.13.9
# Only for builds behind a TLS-intercepting proxy: the path of a CA bundle mounted into the build
# (scripts/build-images.sh does this). Build-stage only; nothing of it reaches the final images.
ARG PIP_CERT
ARG SSL_CERT_FILE
ENV PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=python3 \
    UV_PROJECT_ENVIRONMENT=/opt/venv
SHELL ["/bin/sh", "-eu", "-c"]
# uv comes from PyPI into its own venv, so the build works on bases without pip (Debian's python3).
RUN python3 -m venv /opt/uv \
    && /opt/uv/bin/python -m pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"
WORKDIR /src
# Dependencies first (exactly as locked), so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    /opt/uv/bin/uv sync --frozen --no-dev --no-install-project
COPY README.md ./
COPY mess ./mess
COPY web ./web
COPY workers ./workers
COPY analytics ./analytics
COPY cli ./cli
# --no-editable installs the project into the venv, so the runtime image needs no source tree.
RUN --mount=type=cache,target=/root/.cache/uv \
    /opt/uv/bin/uv sync --frozen --no-dev --no-editable \
    && /opt/venv/bin/mess --help >/dev/null

# The app image leaves out what only the analytics app uses (about 300 MB: Streamlit, pyarrow, plotly and
# their chart libraries). `uv sync` is exact, so this removes them; then every module of mess, web,
# workers and cli is imported to prove none of them needs a left-out distribution.
FROM build AS build-app
COPY scripts/check_image_imports.py /opt/check_image_imports.py
RUN --mount=type=cache,target=/root/.cache/uv \
    /opt/uv/bin/uv sync --frozen --no-dev --no-editable \
        --no-install-package streamlit --no-install-package pyarrow --no-install-package pydeck \
        --no-install-package altair --no-install-package plotly \
    && /opt/venv/bin/python /opt/check_image_imports.py \
        --missing streamlit,pyarrow,pydeck,altair,plotly mess web workers cli

FROM ${BASE_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/mess \
    MESS_ENVIRONMENT=production \
    MESS_WEB_HOST=0.0.0.0
SHELL ["/bin/sh", "-eu", "-c"]
RUN groupadd --system --gid 10001 mess \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /home/mess --create-home \
        --shell /usr/sbin/nologin mess
WORKDIR /home/mess

FROM runtime AS analytics
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/analytics/_stcore/health', timeout=4)"]
CMD ["mess", "analytics", "--port", "8501"]

# Last, so a plain `docker build .` gives the main image.
FROM runtime AS app
COPY --from=build-app /opt/venv /opt/venv
USER 10001:10001
EXPOSE 8000
# Fits the web process; compose and Kubernetes give worker and beat their own checks (metrics ports).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["mess", "serve", "--host", "0.0.0.0", "--port", "8000"]
