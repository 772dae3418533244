"""``otklik sync [--once]``: intake from the configured Incident-system gateway (R5)."""

from __future__ import annotations

import argparse
import signal
import threading

from desktop_app.adapters.incident.factory import build_gateway
from desktop_app.cli import CliContext, fail
from desktop_app.errors import OtklikError
from desktop_app.settings import audit_checkpoint_dir


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otklik sync", description="Получить новые сообщения из Системы Инцидент (п. 5 Положения)."
    )
    parser.add_argument("--once", action="store_true", help="один проход и выход (иначе — непрерывно)")
    parser.add_argument("--url", metavar="URL", help="база данных вместо настроенной")
    return parser


def run(argv: list[str], context: CliContext) -> int:
    options = _parser().parse_args(argv)
    from desktop_app.models.database import open_database
    from desktop_app.services.bootstrap import build_services
    from desktop_app.services.intake import IntakeLimits, IntakeService

    settings = context.settings
    try:
        gateway = build_gateway(settings)
        db = open_database(options.url or settings.database.effective_url())
    except OtklikError as exc:
        return fail(str(exc), 1)
    try:
        # The lifecycle (deadline clocks, audit) the intake is given comes from the bootstrap.
        services = build_services(settings, db, audit_dir=audit_checkpoint_dir(settings))
        # Bounded by incident.sync_deadline_seconds: the command returns even if the peer never does.
        service = IntakeService(
            db, gateway, limits=IntakeLimits.from_settings(settings.incident), lifecycle=services.lifecycle
        )
        if getattr(gateway, "manual", False):
            print("Режим «manual»: сообщения загружаются командой «otklik import ФАЙЛ».")
        if options.once:
            result = service.sync_once()
            print(result.summary())
            for error in result.errors:
                print(f"  {error}")
            if result.failed:
                print("  не принятые сообщения сохранены и будут повторены; список — у администратора")
            if result.incomplete:
                print(f"  {result.incomplete}")
            if result.error:
                return fail(result.error, 1)
            return 0
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        interval = max(1, settings.incident.sync_interval_seconds)
        try:
            while not stop.is_set():
                result = service.sync_once()
                print(result.summary() + (f" — {result.error}" if result.error else ""), flush=True)
                stop.wait(interval)
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        gateway.close()
        db.dispose()
