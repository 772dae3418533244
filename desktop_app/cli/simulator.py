"""``otklik simulator``: serve the Incident-system contract on loopback with generated traffic."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import threading

from desktop_app.cli import CliContext, fail


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otklik simulator",
        description="Имитатор Системы Инцидент: сообщения граждан, публикации, сбои по заказу.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="адрес (по умолчанию 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8765, help="порт (0 — любой свободный; по умолчанию 8765)"
    )
    parser.add_argument(
        "--rate", type=float, default=2.0, metavar="PER_MINUTE", help="новых сообщений в минуту"
    )
    parser.add_argument(
        "--faults", default="", metavar="SPEC", help="сбои, например latency=200ms,error5xx=0.2"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="зерно генератора (одинаковое — одинаковые данные)"
    )
    parser.add_argument(
        "--initial", type=int, default=20, metavar="N", help="сообщений в очереди при запуске"
    )
    parser.add_argument("--token", default="", help="требовать этот токен (Bearer)")
    parser.add_argument(
        "--allow-remote", action="store_true", help="разрешить адрес не из loopback (только для испытаний)"
    )
    return parser


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(argv: list[str], context: CliContext) -> int:
    options = _parser().parse_args(argv)
    from desktop_app.adapters.incident.simulator import FaultSpecError, parse_faults, start_simulator

    if not _is_loopback(options.host) and not options.allow_remote:
        return fail(
            f"адрес «{options.host}» доступен из сети; имитатор слушает только loopback "
            "(127.0.0.1). Добавьте --allow-remote, если это действительно нужно.",
            2,
        )
    if options.rate < 0 or options.initial < 0 or not 0 <= options.port <= 65535:
        return fail("--rate, --initial и --port должны быть неотрицательными (порт до 65535).", 2)
    try:
        faults = parse_faults(options.faults)
    except FaultSpecError as exc:
        return fail(str(exc), 2)
    try:
        handle = start_simulator(
            seed=options.seed,
            rate=options.rate,
            faults=faults,
            initial_messages=options.initial,
            host=options.host,
            port=options.port,
            token=options.token,
        )
    except OSError as exc:
        return fail(f"не удаётся открыть {options.host}:{options.port}: {exc.strerror or exc}.", 1)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"Имитатор Системы Инцидент: {handle.base_url}", flush=True)
    print(
        f"Сообщений в минуту: {options.rate:g}; сбои: {faults.describe()}; Ctrl+C — остановить.", flush=True
    )
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()
    return 0
