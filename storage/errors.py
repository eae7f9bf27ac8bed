"""Typed errors that the CLI turns into one clear line."""


class StorageError(Exception):
    """Base class for storage problems a user can act on."""


class SchemaTooNew(StorageError):
    """The database was written by a newer regwatch; we refuse to touch it."""


class CorruptBlob(StorageError):
    """A blob's bytes no longer hash to its name: the evidence was altered or damaged."""


class BlobNotFound(StorageError):
    """No blob with that hash is in the store."""


class QueryTooLong(StorageError):
    """A search query past the length or word cap: refused at once instead of running a minute."""
