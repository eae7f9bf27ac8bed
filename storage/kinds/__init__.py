"""Every kind of change, declared once (see base.py). Importing this package registers them all.

To add a kind: declare a `ChangeKind` subclass in the module of its family (or a new module
imported below) and run tests/test_kinds.py, which walks the registry.
"""

from storage.kinds import criteria, documents, lists, operations, suppliers
from storage.kinds.base import (
    ChangeKind,
    Details,
    Headline,
    UnknownKind,
    describe,
    headline,
    kind_of,
    sample,
    stored_kinds,
)
from storage.kinds.body import Body, ClauseRow, EntryRow, TableRow

__all__ = ["Body", "ChangeKind", "ClauseRow", "Details", "EntryRow", "Headline", "TableRow", "UnknownKind", "criteria",
           "describe", "documents", "headline", "kind_of", "lists", "operations", "sample", "stored_kinds", "suppliers"]
