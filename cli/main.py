"""The `mess` console script: the same commands on a laptop, in compose and in Kubernetes."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence

from mess.config import get_settings
from mess.errors import MessError
from mess.queues import QUEUES


def _migrate(args: argparse.Namespace) -> int:
    from mess.db.migrate import SchemaNewerThanCode, upgrade

    try:
        upgrade()
    except SchemaNewerThanCode as exc:
        # A rollback: this (older) release runs on the newer schema as it is; migrations never run down.
        print(exc.message)
        return 0
    print("database migrated to head")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mess.db.backup import backup

    backup(get_settings().database_url, Path(args.file))
    print(f"backed up the database to {args.file}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mess.db.backup import restore

    restore(get_settings().database_url, Path(args.file))
    print(f"restored {args.file} into the (empty) configured database")
    return 0


async def _create_user(args: argparse.Namespace) -> int:
    from mess.auth.actor import Actor
    from mess.db.engine import Database
    from mess.kit.clock import get_clock
    from mess.messes.repository import get_mess_by_code
    from mess.users.schemas import UserCreate
    from mess.users.service import create_user

    database = Database(get_settings(), null_pool=True)
    # The command line stands for an operator with shell access: it acts as a system admin.
    system = Actor(user_id=0, role="admin", mess_id=None, login="cli", name="command line")
    try:
        async with database.transaction() as session:
            mess_id = None
            if args.mess:
                mess = await get_mess_by_code(session, args.mess)
                if mess is None:
                    print(f"no mess with code {args.mess!r}", file=sys.stderr)
                    return 2
                mess_id = mess.id
            data = UserCreate(
                login=args.login, name=args.name or args.login, password=args.password, role=args.role, mess_id=mess_id
            )
            user = await create_user(session, system, data, get_clock().now())
        print(f"created {user.role} {user.login} (id {user.id})")
        return 0
    finally:
        await database.dispose()


def _serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    host = args.host or settings.web_host
    port = args.port or settings.web_port
    workers = args.workers or settings.web_workers
    if workers > 1:
        # Production: gunicorn managing uvicorn workers, metrics aggregated across processes.
        # A fresh private directory per server start: files left by an earlier run would add old counts.
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="mess-prometheus-")
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "web.asgi:app",
            "--worker-class",
            "uvicorn.workers.UvicornWorker",
            "--workers",
            str(workers),
            "--bind",
            f"{host}:{port}",
            "--config",
            "python:web.gunicorn_conf",
        ]
        os.execv(sys.executable, argv)  # noqa: S606  # nosec B606 - our own fixed argv, no shell
    import uvicorn

    # log_config=None: uvicorn keeps the logging set up by main() (the access lines are web/requestlog's).
    uvicorn.run(
        "web.asgi:app", host=host, port=port, log_level=settings.log_level.lower(), access_log=False, log_config=None
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    from workers.main import run_worker

    return run_worker(args.concurrency, args.queues)


def _beat(args: argparse.Namespace) -> int:
    from workers.main import run_beat

    return run_beat()


def _analytics(args: argparse.Namespace) -> int:
    from analytics.launch import run_analytics

    return run_analytics(args.port or get_settings().analytics_port)


def _seed(args: argparse.Namespace) -> int:
    from mess.seed.service import run_seed

    return asyncio.run(run_seed(residents=args.residents, days=args.days, if_empty=args.if_empty))


def _up(args: argparse.Namespace) -> int:
    from cli.devserver import run_all

    return run_all(port=args.port)


def _vapid_keys(args: argparse.Namespace) -> int:
    """A new VAPID key pair for Web Push, as environment lines (keep the private one secret)."""
    from mess.notifications.push import generate_keys

    keys = generate_keys()
    print(f"MESS_VAPID_PRIVATE_KEY={keys.private_key}")
    print(f"# public key (GET /api/v1/push/key serves it): {keys.public_key}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mess", description="Hostel mess management")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="upgrade the database to the latest schema").set_defaults(func=_migrate)

    backup = sub.add_parser("backup", help="write a logical backup of the database to a new file")
    backup.add_argument("file", help="pg_dump custom archive (PostgreSQL) or SQLite database file to create")
    backup.set_defaults(func=_backup)

    restore = sub.add_parser("restore", help="restore a backup into the configured database, which must be empty")
    restore.add_argument("file", help="a file written by `mess backup`")
    restore.set_defaults(func=_restore)

    create = sub.add_parser("create-user", help="create an admin, warden or staff account")
    create.add_argument("--role", required=True, choices=["admin", "warden", "staff"])
    create.add_argument("--login", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--name")
    create.add_argument("--mess", help="mess code (wardens and staff)")
    create.set_defaults(func=lambda a: asyncio.run(_create_user(a)))

    seed = sub.add_parser("seed", help="create a demo mess with realistic history")
    seed.add_argument("--residents", type=int, default=200)
    seed.add_argument("--days", type=int, default=60)
    seed.add_argument("--if-empty", action="store_true", help="do nothing when a mess already exists")
    seed.set_defaults(func=_seed)

    serve = sub.add_parser("serve", help="run the web app")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(func=_serve)

    worker = sub.add_parser("worker", help="run a Celery worker")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--queues", default=",".join(QUEUES))
    worker.set_defaults(func=_worker)

    sub.add_parser("beat", help="run the Celery beat scheduler").set_defaults(func=_beat)

    analytics = sub.add_parser("analytics", help="run the Streamlit analytics app")
    analytics.add_argument("--port", type=int)
    analytics.set_defaults(func=_analytics)

    vapid = sub.add_parser("vapid-keys", help="print a new VAPID key pair for Web Push (MESS_VAPID_PRIVATE_KEY)")
    vapid.set_defaults(func=_vapid_keys)

    up = sub.add_parser("up", help="development: migrate, seed if empty, run web, worker, beat and analytics")
    up.add_argument("--port", type=int, default=8000)
    up.set_defaults(func=_up)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from mess.kit import logs

    logs.configure(get_settings())
    try:
        result = args.func(args)
    except MessError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
