"""Typed errors that the CLI turns into one clear line."""


class StorageError(Exception):
    """Base class for storage problems a user can act on."""


class SchemaTooNew(StorageError):
    """The database was written by a newer regwatch; we refuse to touch it."""


class CorruptBlob(StorageError):
    """A blob's bytes no longer hash to its name: the evidence was altered or damaged."""


class BlobNotFound(StorageError):
    """No blob with that hash is in the store."""


class MissingDatabase(StorageError):
    """A reading command was pointed at a database that does not exist: creating an empty one
    would answer "not on the list" for a typo in a path, so it is refused instead."""


class QueryTooLong(StorageError):
    """A search query past the length or word cap: refused at once instead of running a minute."""
