"""The cyclic garbage collector and the process's long-lived heap (issue 17).

A full collection walks every tracked object with the GIL held. Two things in this process are
big and live as long as it does: a loaded queue (100,000 rows) and the embedded proofreading
engine (≈830,000 lists of rule and dictionary data). Walking either costs 0.1–1 s on whichever
thread the collection falls, the UI thread included. :func:`settle_heap` moves everything alive
out of the collector's generations; objects are still freed by reference counting when they go.
"""

from __future__ import annotations

import gc

# How many times this process settled its heap: the collector is process-wide, and so is this.
_settled = 0


def settle_heap() -> None:
    """Freeze every object alive now (``gc.freeze``): later collections no longer walk it.

    The cost is that a reference cycle alive now and dropped later is not collected until
    :func:`release_heap`.
    """
    global _settled
    _settled += 1
    gc.freeze()


def settled_count() -> int:
    """A mark for :func:`release_heap`: how many times the heap has been settled so far."""
    return _settled


def release_heap(settled_since: int | None = None) -> None:
    """Collect what :func:`settle_heap` kept from the collector, then settle the survivors again.

    Called at log-out with the mark taken at log-in: the previous user's windows and models, cycles
    among them included, are freed. If nothing was settled since the mark, nothing of theirs is
    frozen and an ordinary collection does it; otherwise one full collection of the whole heap (on
    the calling UI thread), after which what stays — the proofreading engine, caches — goes back out
    of the collector's way.
    """
    if settled_since is not None and settled_since == _settled:
        gc.collect()
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
