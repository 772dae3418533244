"""Word embeddings for question coverage (R7, point 3): natasha's bundled navec, loaded offline."""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

_NAVEC_FILE = "navec_news_v1_1B_250K_300d_100q.tar"


def navec_path() -> Path | None:
    """The navec archive shipped inside the natasha wheel, if installed."""
    try:
        import natasha
    except ImportError:  # pragma: no cover - natasha is a dependency
        return None
    path = Path(natasha.__file__).resolve().parent / "data" / "emb" / _NAVEC_FILE
    return path if path.exists() else None


class WordVectors:
    """Cosine similarity of single words via navec (≈0.7 s to load, ≈50 MiB)."""

    def __init__(self, path: Path | None = None) -> None:
        from navec import Navec

        resolved = path or navec_path()
        if resolved is None:
            raise FileNotFoundError("navec embeddings not found")
        self._navec = Navec.load(str(resolved))
        self._cache: dict[str, np.ndarray | None] = {}
        self._matrices: dict[frozenset[str], np.ndarray | None] = {}
        self._lock = threading.Lock()

    @property
    def navec(self) -> object:
        """The loaded navec model (shared with the slovnet syntax parser, no second copy)."""
        return self._navec

    def vector(self, word: str) -> np.ndarray | None:
        with self._lock:
            if word in self._cache:
                return self._cache[word]
        raw = self._navec.get(word)
        vec = None
        if raw is not None:
            norm = float(np.linalg.norm(raw))
            vec = (raw / norm).astype(np.float32) if norm else None
        with self._lock:
            self._cache[word] = vec
        return vec

    def _matrix(self, words: frozenset[str]) -> np.ndarray | None:
        """The unit vectors of ``words`` stacked (rows), cached: a draft window is compared many times."""
        with self._lock:
            if words in self._matrices:
                return self._matrices[words]
        rows = [v for v in (self.vector(w) for w in words) if v is not None]
        matrix = np.vstack(rows) if rows else None
        with self._lock:
            if len(self._matrices) > 2000:
                self._matrices.clear()
            self._matrices[words] = matrix
        return matrix

    def max_similarity(self, word: str, others: frozenset[str]) -> float:
        """The highest cosine similarity of ``word`` to any of ``others`` (0.0 when none has a vector).

        One matrix-vector product instead of a Python loop over pairs (coverage's p50, issue 15).
        """
        if word in others:
            return 1.0
        vec = self.vector(word)
        matrix = self._matrix(others) if vec is not None else None
        if vec is None or matrix is None:
            return 0.0
        return max(0.0, float(np.max(matrix @ vec)))

    def centroid(self, words: frozenset[str]) -> np.ndarray | None:
        """The unit mean vector of ``words`` (None when none has a vector): a bag-of-words sentence sense."""
        matrix = self._matrix(words)
        if matrix is None:
            return None
        mean = matrix.mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm else None

    def similarity(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        va, vb = self.vector(a), self.vector(b)
        if va is None or vb is None:
            return 0.0
        return float(np.dot(va, vb))


_SHARED: WordVectors | None = None
_SHARED_LOCK = threading.Lock()


@functools.cache
def _load_failed() -> list[bool]:
    return []


def shared_word_vectors() -> WordVectors | None:
    """Process-wide vectors, or None when navec cannot load (coverage then stays lexical)."""
    global _SHARED
    if _SHARED is None and not _load_failed():
        with _SHARED_LOCK:
            if _SHARED is None and not _load_failed():
                try:
                    _SHARED = WordVectors()
                except Exception as exc:  # offline fallback: lexical coverage only
                    log.warning("navec embeddings unavailable: %s", exc)
                    _load_failed().append(True)
    return _SHARED
