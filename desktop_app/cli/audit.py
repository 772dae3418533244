"""``otklik audit verify|receipt``: check the audit trail (R11) against its chain and signed head.

``verify`` walks the hash chain and, when this workstation has a signed checkpoint of the chain's
head (or ``--receipt FILE`` is given), checks that the database still holds that head at that
position: deleted newest events, a re-hashed history and events appended behind the app's back are
found as well as a changed event (issue 14). ``receipt`` exports the current head, signed, for an
auditor to keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from desktop_app.cli import CliContext, fail
from desktop_app.errors import OtklikError
from desktop_app.models.database import open_database
from desktop_app.services.audit import ChainCheckpoint, CheckpointError, chain_head, verify_chain
from desktop_app.settings import audit_checkpoint_dir


def run(argv: list[str], context: CliContext) -> int:
    parser = argparse.ArgumentParser(prog="otklik audit", description="Журнал действий (п. 11).")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="проверить целостность цепочки событий")
    verify.add_argument("--url", help="адрес базы данных (по умолчанию — из настроек)")
    verify.add_argument(
        "--receipt", type=Path, help="сверить с сохранённой квитанцией (otklik audit receipt)"
    )
    verify.add_argument(
        "--chain-only", action="store_true", help="проверить только цепочку, без контрольной точки"
    )
    receipt = sub.add_parser("receipt", help="выгрузить подписанную квитанцию о состоянии журнала")
    receipt.add_argument("--url", help="адрес базы данных (по умолчанию — из настроек)")
    receipt.add_argument("--out", type=Path, required=True, help="файл квитанции (JSON)")
    args = parser.parse_args(argv)
    try:
        url = args.url or context.settings.database.effective_url()
        checkpoint = ChainCheckpoint(audit_checkpoint_dir(context.settings), url)
        db = open_database(url, migrate=False)
    except OtklikError as exc:
        return fail(str(exc), 2)
    try:
        if args.command == "receipt":
            return _receipt(db, checkpoint, args.out)
        return _verify(db, checkpoint, args.receipt, args.chain_only)
    finally:
        db.dispose()


def _receipt(db, checkpoint: ChainCheckpoint, out: Path) -> int:  # type: ignore[no-untyped-def]
    verdict = verify_chain(db)
    if not verdict.intact:
        return fail(f"журнал нарушен (событие № {verdict.first_broken_id}): квитанция не выдана", 1)
    head = chain_head(db)
    try:
        out.write_text(
            json.dumps(checkpoint.signed(head, dt.datetime.now(dt.UTC), kind="receipt"), indent=2) + "\n",
            encoding="utf-8",
        )
    except OSError as exc:
        return fail(f"не удаётся записать «{out}»: {exc.strerror or exc}", 2)
    print(f"Квитанция записана в «{out}»: событий — {head.count}, последнее № {head.last_id}.")
    return 0


def _verify(db, checkpoint: ChainCheckpoint, receipt: Path | None, chain_only: bool) -> int:  # type: ignore[no-untyped-def]
    expected = None
    source = ""
    try:
        if receipt is not None:
            try:
                text = receipt.read_text(encoding="utf-8")
            except OSError as exc:
                return fail(f"не удаётся прочитать квитанцию «{receipt}»: {exc.strerror or exc}", 2)
            expected, source = checkpoint.check(text), "квитанции"
        elif not chain_only:
            expected, source = checkpoint.read(), "контрольной точки"
    except CheckpointError as exc:
        print(f"Журнал действий не подтверждён: {exc}.")
        return 1
    verdict = verify_chain(db, expected=expected)
    if verdict.intact:
        against = f"; сверено с подписью {source} ({expected.count} событий)" if expected else ""
        print(f"Журнал действий цел: проверено событий — {verdict.checked}{against}.")
        return 0
    where = f"первое повреждённое событие № {verdict.first_broken_id} " if verdict.first_broken_id else ""
    print(
        f"Журнал действий нарушен: {where}({verdict.reason}); до него проверено событий — {verdict.checked}."
    )
    return 1
