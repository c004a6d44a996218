"""One settings object for every app (web, workers, analytics, CLI), read from MESS_* variables."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me-not-for-production"  # nosec B105 - refused outside dev (below)
# The push services browsers subscribe with: Chrome/Edge/Opera (FCM), Firefox (Mozilla autopush), Safari (Apple),
# Windows apps (WNS). `*.` matches any subdomain (not the domain itself). See push_endpoint_hosts.
PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MESS_",
        env_file=".env",
        extra="ignore",
        # Kubernetes mounts Secrets as files named like the variable in lower case (mess_secret_key); the
        # directory is MESS_SECRETS_DIR, read by get_settings().
        secrets_dir=None,
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./mess.db"
    # Read-only replica for analytics and reports; falls back to database_url.
    database_read_url: str | None = None
    # None: the embedded broker (kombu's SQLAlchemy transport on SQLite), no server needed.
    redis_url: str | None = None
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    access_token_minutes: int = 12 * 60
    qr_token_seconds: int = 120
    # Connections per process. No overflow by default: SQLAlchemy closes an overflow connection as soon as it is
    # returned, so a burst above the pool size opened and closed a PostgreSQL connection per request (the booking
    # rush ran at half speed). Beyond the pool, requests wait for a connection (then 503 after 30 s).
    db_pool_size: int = 16
    db_max_overflow: int = 0
    secure_cookies: bool = False
    # argon2 cost; the defaults are argon2-cffi's recommended ones. Lower them only for tests and benchmarks.
    password_time_cost: int = 3
    password_memory_kib: int = 65536
    login_rate_limit: int = 10  # failed logins per login and address per window
    login_rate_window_seconds: int = 300
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    web_workers: int = 1
    worker_metrics_port: int = 9808
    beat_metrics_port: int = 9809
    analytics_port: int = 8501
    # Where the analytics app finds the web app for sign-in checks and links.
    web_base_url: str = "http://127.0.0.1:8000"
    notifier: Literal["log", "smtp"] = "log"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "mess@localhost"
    # starttls: plain connection upgraded (port 587); ssl: TLS from the first byte (port 465); none: local relays.
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    # A CA bundle to trust for the SMTP server's certificate (a private relay); None: the system's.
    smtp_ca_file: str | None = None
    # Where people reach the site: every link in an email starts with it.
    public_url: str = "http://127.0.0.1:8000"
    # One-time links: a reset lives 30 minutes, an invite 7 days (PRODUCT 7.1).
    reset_token_minutes: int = 30
    invite_token_days: int = 7
    reset_rate_limit: int = 5  # reset requests per login (and 4x per address) per login_rate_window_seconds
    # Single sign-on (OpenID Connect), off unless the issuer is set.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_name: str = "your institute"  # the button reads "Sign in with <oidc_name>"
    reminder_minutes_before_cutoff: int = 60
    # Web Push (PRODUCT 7.3): the VAPID key (`mess vapid-keys` prints a pair) and the contact push services see.
    # Without a key, development and tests keep a generated one in vapid_key_file; production has no push.
    vapid_private_key: SecretStr | None = None
    vapid_subject: str = "mailto:mess@localhost"
    vapid_key_file: str = "./mess-vapid.key"
    # Where the server may POST a push: a subscription's endpoint must be https on port 443 with a host on this list
    # (`host`, or `*.domain` for its subdomains), or exactly an origin given with its scheme (`http://127.0.0.1:8123`:
    # a local push service for tests, never in production). Anything else (an IP address, a private or internal
    # host) is refused when subscribing and again before each send. Comma-separated in MESS_PUSH_ENDPOINT_HOSTS.
    push_endpoint_hosts: Annotated[tuple[str, ...], NoDecode] = PUSH_SERVICE_HOSTS
    # Celery: queue names get this prefix, so deployments (or test sessions) can share one Redis.
    queue_prefix: str = ""
    # Residents per batch of a billing run (progress is reported per batch).
    billing_batch_size: int = Field(2000, ge=1)
    # Redis: unacknowledged (acks_late) tasks of a worker that died come back after this many seconds.
    visibility_timeout: int = Field(3600, ge=1)
    # threads: one process, so the Prometheus registry the metrics port serves sees every task's figures.
    worker_pool: Literal["threads", "prefork", "solo"] = "threads"
    log_level: str = "INFO"
    # text: readable lines (a laptop, `make run`); json: one object per line (the containers set it; Loki reads it).
    log_format: Literal["text", "json"] = "text"

    @field_validator("push_endpoint_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production":
            secret = self.secret_key.get_secret_value()
            if secret == DEV_SECRET or len(secret) < 32:
                raise ValueError("MESS_SECRET_KEY must be set to a random value of 32+ characters in production")
            if any(host.startswith("http://") for host in self.push_endpoint_hosts):
                raise ValueError("MESS_PUSH_ENDPOINT_HOSTS may not allow an http:// push service in production")
        return self

    @property
    def broker_url(self) -> str:
        if self.redis_url:
            return self.redis_url
        return "sqla+sqlite:///./mess-broker.db"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    import os

    secrets_dir = os.environ.get("MESS_SECRETS_DIR")
    if secrets_dir and os.path.isdir(secrets_dir):
        return Settings(_secrets_dir=secrets_dir)
    return Settings()
