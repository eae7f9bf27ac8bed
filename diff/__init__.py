"""The pure comparison engines: canonical text, words, clauses, enterprise names and list entities.

No database and no I/O, so ingest, `regwatch diff`, the notifier and the web UI all compare the same way.
"""
