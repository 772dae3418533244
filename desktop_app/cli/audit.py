"""``otklik audit verify|receipt``: check the audit trail (R11) against its chain and signed head.

``verify`` walks the hash chain and, when this workstation has a signed checkpoint of the chain's
head (or ``--receipt FILE`` is given), checks that the database still holds that head at that
position: deleted newest events, a re-hashed history and events appended behind the app's back are
found as well as a changed event (issue 14). Every event must also carry its own valid signature
(migration 0009; older events are legacy up to the sealed boundary): the first unsigned or forged one
is named. ``receipt`` exports the current head, signed, for an auditor to keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from desktop_app.cli import CliContext, fail
from desktop_app.errors import OtklikError
from desktop_app.models.database import open_database
from desktop_app.services.audit import (
    KEY_FILE,
    ChainCheckpoint,
    CheckpointError,
    chain_head,
    stored_legacy_boundary,
    verify_chain,
)
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


def _no_key(checkpoint: ChainCheckpoint) -> int:
    print(
        f"Журнал действий не проверен: на этом рабочем месте нет ключа подписи «{checkpoint.directory / KEY_FILE}». "
        "Скопируйте его с рабочего места, где журнал ведётся (docs/SECURITY.md)."
    )
    return 1


def _needs_key(db) -> bool:  # type: ignore[no-untyped-def]
    """Whether the database holds any event that must be signed (any after the legacy boundary)."""
    boundary = stored_legacy_boundary(db)
    head = chain_head(db)
    return boundary is not None and head.last_id > boundary


def _receipt(db, checkpoint: ChainCheckpoint, out: Path) -> int:  # type: ignore[no-untyped-def]
    key = checkpoint.existing_key()
    if key is None and _needs_key(db):
        return _no_key(checkpoint)
    try:
        sealed = checkpoint.read()
    except CheckpointError as exc:
        return fail(f"журнал не подтверждён ({exc}): квитанция не выдана", 1)
    legacy = sealed.legacy_last_id if sealed is not None else None
    if legacy is None:
        legacy = stored_legacy_boundary(db)
    verdict = verify_chain(db, key=key, legacy_last_id=legacy)
    if verdict.intact and sealed is not None and sealed.forged_id is not None:
        verdict = replace(verdict, intact=False, first_broken_id=sealed.forged_id)
    if not verdict.intact:
        return fail(f"журнал нарушен (событие № {verdict.first_broken_id}): квитанция не выдана", 1)
    head = replace(chain_head(db), legacy_last_id=legacy)
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
    key = checkpoint.existing_key()
    if key is None and _needs_key(db):
        return _no_key(checkpoint)
    legacy = None
    if expected is None:
        # --chain-only skips the head, not the legacy boundary sealed in the checkpoint (issue 14).
        try:
            sealed = checkpoint.read()
        except CheckpointError:
            sealed = None
        legacy = sealed.legacy_last_id if sealed is not None else None
    verdict = verify_chain(db, expected=expected, key=key, legacy_last_id=legacy)
    if verdict.intact:
        against = f"; сверено с подписью {source} ({expected.count} событий)" if expected else ""
        print(f"Журнал действий цел: проверено событий — {verdict.checked}{against}.")
        return 0
    where = f"первое повреждённое событие № {verdict.first_broken_id} " if verdict.first_broken_id else ""
    print(
        f"Журнал действий нарушен: {where}({verdict.reason}); до него проверено событий — {verdict.checked}."
    )
    return 1
