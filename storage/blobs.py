"""Content-addressed evidence store: every raw page and attachment, named only by its sha256.

A file name from the web never chooses a path on disk. Writes are atomic (temp file, fsync,
rename) and reads re-hash the bytes, so damaged evidence is detected, never served.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import time
from pathlib import Path
from typing import Any

from options import default
from storage.errors import BlobNotFound, CorruptBlob

DEFAULT_BLOBS = default("blobs")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Blobs live at <root>/<first two hex>/<full hex>.

    With `deferred=True` (a crawl's batch), put() writes a temp file without fsync and sync()
    later fsyncs and renames them all at once, before the transaction that refers to them
    commits: one round of fsyncs per batch instead of one per blob. A blob only ever appears
    under its name whole and on disk.
    """

    def __init__(self, root: str | Path = DEFAULT_BLOBS, *, deferred: bool = False) -> None:
        self.root = Path(root)
        self.deferred = deferred
        self._pending: dict[str, str] = {}  # digest -> temp path, written but not yet synced
        self._folders: set[Path] = set()  # folders known to exist: one mkdir per folder, not per blob

    def path_for(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a sha256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        digest = sha256_hex(data)
        target = self.path_for(digest)
        if digest in self._pending or target.exists():
            return digest
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        # The temp name is the digest and this process: unique without mkstemp's random draws
        # (a crawl writes thousands); O_EXCL still refuses to reuse a name a killed run left.
        tmp = str(target.parent / f".tmp-{digest}-{os.getpid()}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # left by a killed process that had our pid: nobody else writes it
            Path(tmp).unlink()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if self.deferred:
                    self._pending[digest] = tmp
                    return digest
                fh.flush()
                os.fsync(fh.fileno())
            Path(tmp).replace(target)
        except BaseException:
            self._pending.pop(digest, None)
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def sync(self) -> int:
        """Make every deferred blob durable under its name. Where the system has syncfs (Linux),
        two calls do it for the whole batch: one makes every temp file's bytes durable before
        any is renamed, the other the renames; elsewhere each file and folder is fsynced."""
        if not self._pending:
            return 0
        pending = list(self._pending.items())
        fs_wide = _syncfs(self.root)
        if not fs_wide:
            for _, tmp in pending:
                _fsync_path(tmp)
        folders = set()
        for digest, tmp in pending:
            target = self.path_for(digest)
            Path(tmp).replace(target)
            folders.add(target.parent)
            del self._pending[digest]
        if not (fs_wide and _syncfs(self.root)):
            for folder in folders:
                _fsync_path(folder)
        return len(folders)

    def get(self, digest: str) -> bytes:
        target = self.path_for(digest)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(f"no blob {digest} in {self.root}") from None
        if sha256_hex(data) != digest:
            raise CorruptBlob(f"blob {digest} is corrupt: its bytes hash to {sha256_hex(data)}")
        return data

    def sweep_stale_temp(self, older_than: float = 3600.0) -> int:
        """Remove temp files a killed writer left behind (never referenced by any row: a row
        commits only after its blob is renamed into place). Only old ones: another process
        may be writing right now."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than
        removed = 0
        for tmp in self.root.glob("*/.tmp-*"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def exists(self, digest: str) -> bool:
        return digest in self._pending or self.path_for(digest).exists()


def _fsync_path(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_SYNCFS: list[Any] = []  # [libc.syncfs or None], looked up once


def _syncfs(root: Path) -> bool:
    """syncfs(2) on the file system holding `root`: one call instead of an fsync per blob (a
    full crawl writes thousands). False where the call does not exist or fails."""
    if not _SYNCFS:
        try:
            _SYNCFS.append(getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None))
        except OSError:
            _SYNCFS.append(None)
    call = _SYNCFS[0]
    if call is None:
        return False
    fd = os.open(root, os.O_RDONLY)
    try:
        return bool(call(fd) == 0)
    finally:
        os.close(fd)
