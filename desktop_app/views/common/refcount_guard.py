"""Work around a PySide6 6.12.0 reference-count bug that crashes the app on CPython 3.11.

Every call of a C++ method returning ``void`` from Python (``label.setText(...)``,
``painter.save()``, ``model.appendRow(...)``, ``signal.emit()``) returns ``None`` without taking a
reference to it. On CPython 3.12+ ``None`` is immortal (PEP 683) and nothing happens; on 3.11 its
count falls by one per call and the interpreter aborts with «none_dealloc: deallocating None» after a
few thousand calls — within seconds once a queue table repaints its countdowns every second.

The same happens, more slowly, to ``True`` (seen at a few references per second in the workstation).

API: ``protect_none()`` — idempotent; makes the counts of ``None``, ``True`` and ``False``
unreachable-zero, the way 3.12 makes them immortal.
Call it once at start-up (the operator workspace, the screenshot script and the benchmark do);
remove it when the project requires Python ≥ 3.12 or a PySide6 release without the bug.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40  # more void calls than a process makes in its lifetime
_protected = False


def protect_none() -> bool:
    """Returns whether the guard was applied (only CPython < 3.12 needs it)."""
    global _protected
    if _protected:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object; id() is its address.
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        refcount.value += _BOOST
    _protected = True
    return True
