#!/usr/bin/env bash
# Build the two images here, with no image registry: a Debian bookworm base made with debootstrap and
# imported into podman, then the Dockerfile's `app` and `analytics` targets on top of it, then a smoke run
# of both images with host networking against the local PostgreSQL and Redis.
#
#   scripts/build-images.sh            base (if missing) + build + smoke test
#   SKIP_SMOKE=1 scripts/build-images.sh    build only
#   SKIP_BUILD=1 scripts/build-images.sh    smoke-test the images already built
#   REBUILD_BASE=1 scripts/build-images.sh
#
# Needs (checked below, before anything runs): root, podman, runc (the OCI runtime, $OCI_RUNTIME), debootstrap
# (only to make the base image), curl, python3 and psql (postgresql-client):
#   apt-get install podman runc debootstrap curl python3 postgresql-client
# plus PostgreSQL on 127.0.0.1:5432 (trust auth for user postgres) and Redis on 127.0.0.1:6379. Every container
# runs with --network host: no bridge network is ever created.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_IMAGE="${BASE_IMAGE:-localhost/mess-base:bookworm}"
TAG="${TAG:-dev}"
APP_IMAGE="localhost/hostel-mess:${TAG}"
ANALYTICS_IMAGE="localhost/hostel-mess-analytics:${TAG}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The host's CA bundle (for builds behind a TLS-intercepting proxy); BUILD_CA_BUNDLE= to not mount one.
BUILD_CA_BUNDLE="${BUILD_CA_BUNDLE-${SSL_CERT_FILE:-}}"
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"
READY_TIMEOUT="${READY_TIMEOUT:-120}"
# crun refuses this host's hybrid cgroup v1/v2 layout; runc works.
OCI_RUNTIME="${OCI_RUNTIME:-runc}"
# Explicit limits, so the containers do not inherit whatever the host (or CI runner) allows.
# --no-healthcheck: podman schedules HEALTHCHECKs with systemd timers, absent here; the script polls itself.
RUN_OPTS=(--runtime "$OCI_RUNTIME" --no-healthcheck --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

log() { printf '[build-images %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for cmd in podman "$OCI_RUNTIME" curl python3 psql; do
    command -v "$cmd" >/dev/null || die "$cmd is not installed (apt-get install podman runc debootstrap curl python3 postgresql-client)"
done
[[ $(id -u) == 0 ]] || die "run as root (podman builds with --network host and debootstrap need it)"

build_base() {
    if [[ -z "${REBUILD_BASE:-}" ]] && podman image exists "$BASE_IMAGE"; then
        log "base image $BASE_IMAGE exists (REBUILD_BASE=1 to remake it)"
        return
    fi
    command -v debootstrap >/dev/null || die "debootstrap is not installed"
    [[ $(id -u) == 0 ]] || die "debootstrap needs root"
    local rootfs
    rootfs="$(mktemp -d /var/tmp/mess-base.XXXXXX)"
    log "debootstrap bookworm (minbase + python3, python3-venv) into $rootfs"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$rootfs" "$DEBIAN_MIRROR" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log"; die "debootstrap failed"; }
    # What a slim image drops: package lists, caches, docs.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
    log "importing the root filesystem as $BASE_IMAGE"
    tar --numeric-owner -C "$rootfs" -c . | podman import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$rootfs" "$rootfs.log"
}

build_images() {
    local target image ca_args=()
    # Behind a TLS-intercepting proxy the build must trust the host's CA bundle to reach PyPI. It is mounted
    # for the build's RUN steps only and never copied into an image.
    if [[ -n $BUILD_CA_BUNDLE ]]; then
        [[ -r $BUILD_CA_BUNDLE ]] || die "BUILD_CA_BUNDLE=$BUILD_CA_BUNDLE is not readable"
        ca_args=(-v "$BUILD_CA_BUNDLE:/run/build-ca.crt:ro"
            --build-arg PIP_CERT=/run/build-ca.crt --build-arg SSL_CERT_FILE=/run/build-ca.crt)
    fi
    for target in app analytics; do
        image="$APP_IMAGE"
        [[ $target == analytics ]] && image="$ANALYTICS_IMAGE"
        log "building --target $target -> $image (BASE_IMAGE=$BASE_IMAGE)"
        # --network host: the build downloads the locked wheels from PyPI without a bridge network.
        # --format docker keeps HEALTHCHECK (the OCI image format has no such field).
        podman build --runtime "$OCI_RUNTIME" --network host --format docker --pull=never \
            "${ca_args[@]}" --build-arg "BASE_IMAGE=$BASE_IMAGE" --target "$target" -t "$image" -f "$ROOT/Dockerfile" "$ROOT"
    done
    podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'hostel-mess|mess-base' >&2 || true
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {  # url timeout container
    local url="$1" deadline=$((SECONDS + $2)) container="$3" code
    while ((SECONDS < deadline)); do
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url" || true)"
        [[ $code == 200 ]] && { log "$url -> 200"; return 0; }
        if [[ "$(podman inspect -f '{{.State.Running}}' "$container" 2>/dev/null)" != true ]]; then
            podman logs "$container" 2>&1 | tail -40 >&2
            die "$container exited before $url answered"
        fi
        sleep 1
    done
    podman logs "$container" 2>&1 | tail -40 >&2
    die "$url did not answer 200 within $2 s (last status $code)"
}

SMOKE_DB=""
SMOKE_CONTAINERS=()
cleanup() {
    local name
    for name in "${SMOKE_CONTAINERS[@]}"; do
        podman rm -f -t 5 "$name" >/dev/null 2>&1 || true
    done
    if [[ -n $SMOKE_DB ]]; then
        psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -q -c "DROP DATABASE IF EXISTS $SMOKE_DB WITH (FORCE)" \
            >/dev/null 2>&1 || true
    fi
}

smoke() {
    command -v psql >/dev/null || die "psql is not installed"
    trap cleanup EXIT
    SMOKE_DB="mess_image_smoke_$$"
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE $SMOKE_DB" >/dev/null
    local uid web_port worker_port analytics_port secret
    local web="mess-smoke-web-$$" worker="mess-smoke-worker-$$" analytics="mess-smoke-analytics-$$"
    uid="$(podman run --rm --network host "${RUN_OPTS[@]}" "$APP_IMAGE" id -u)"
    [[ $uid == 10001 ]] || die "the app image runs as uid $uid, not 10001"
    secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
    web_port="$(free_port)"
    worker_port="$(free_port)"
    analytics_port="$(free_port)"
    local env=(
        -e MESS_ENVIRONMENT=production
        # Host networking: keep every server on loopback (the images default to 0.0.0.0).
        -e MESS_WEB_HOST=127.0.0.1
        -e "MESS_DATABASE_URL=postgresql+asyncpg://postgres@$PG_HOST:$PG_PORT/$SMOKE_DB"
        -e "MESS_REDIS_URL=$REDIS_URL"
        -e "MESS_SECRET_KEY=$secret"
        -e "MESS_WEB_PORT=$web_port"
        -e "MESS_WEB_BASE_URL=http://127.0.0.1:$web_port"
    )
    log "migrating the throwaway database $SMOKE_DB with the app image"
    podman run --rm --network host "${RUN_OPTS[@]}" "${env[@]}" "$APP_IMAGE" mess migrate
    # Two server workers, as in Kubernetes (MESS_WEB_WORKERS=2): gunicorn with multiprocess metrics in /tmp.
    log "web image on 127.0.0.1:$web_port (host network, 2 server workers)"
    SMOKE_CONTAINERS+=("$web")
    podman run -d --name "$web" --network host --read-only --tmpfs /tmp --tmpfs /home/mess --cap-drop ALL \
        "${RUN_OPTS[@]}" "${env[@]}" "$APP_IMAGE" \
        mess serve --host 127.0.0.1 --port "$web_port" --workers 2 >/dev/null
    wait_for "http://127.0.0.1:$web_port/healthz" "$READY_TIMEOUT" "$web"
    wait_for "http://127.0.0.1:$web_port/readyz" "$READY_TIMEOUT" "$web"
    wait_for "http://127.0.0.1:$web_port/metrics" "$READY_TIMEOUT" "$web"
    log "worker (app image) with metrics on 127.0.0.1:$worker_port (host network)"
    SMOKE_CONTAINERS+=("$worker")
    podman run -d --name "$worker" --network host --read-only --tmpfs /tmp --tmpfs /home/mess --cap-drop ALL \
        "${RUN_OPTS[@]}" "${env[@]}" -e "MESS_WORKER_METRICS_PORT=$worker_port" "$APP_IMAGE" \
        mess worker >/dev/null
    # The path the Kubernetes probes use on the metrics port.
    wait_for "http://127.0.0.1:$worker_port/healthz" "$READY_TIMEOUT" "$worker"
    log "analytics image on 127.0.0.1:$analytics_port (host network)"
    SMOKE_CONTAINERS+=("$analytics")
    podman run -d --name "$analytics" --network host --read-only --tmpfs /tmp --tmpfs /home/mess --cap-drop ALL \
        "${RUN_OPTS[@]}" "${env[@]}" -e "MESS_ANALYTICS_PORT=$analytics_port" "$ANALYTICS_IMAGE" \
        mess analytics --port "$analytics_port" >/dev/null
    wait_for "http://127.0.0.1:$analytics_port/analytics/_stcore/health" "$READY_TIMEOUT" "$analytics"
    log "smoke test passed"
}

start=$SECONDS
if [[ -z "${SKIP_BUILD:-}" ]]; then
    build_base
    build_images
fi
if [[ -z "${SKIP_SMOKE:-}" ]]; then
    smoke
fi
log "done in $((SECONDS - start)) s"
