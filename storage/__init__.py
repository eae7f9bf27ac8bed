"""Storage: the SQLite schema, the evidence blob store, canonical text and change detection.

This package imports only `diff` and `options` of regwatch, so every other part can depend on it.
"""
