"""Content-addressed evidence store: every raw page and attachment, named only by its sha256.

A file name from the web never chooses a path on disk. Writes are atomic (temp file, fsync,
rename) and reads re-hash the bytes, so damaged evidence is detected, never served.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from options import default
from storage.errors import BlobNotFound, CorruptBlob

DEFAULT_BLOBS = default("blobs")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Blobs live at <root>/<first two hex>/<full hex>."""

    def __init__(self, root: str | Path = DEFAULT_BLOBS) -> None:
        self.root = Path(root)

    def path_for(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a sha256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        digest = sha256_hex(data)
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str) -> bytes:
        target = self.path_for(digest)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(f"no blob {digest} in {self.root}") from None
        if sha256_hex(data) != digest:
            raise CorruptBlob(f"blob {digest} is corrupt: its bytes hash to {sha256_hex(data)}")
        return data

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).exists()
