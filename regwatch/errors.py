"""The application's own errors. The library under the CLI raises these; cli.py alone turns them
into one line and an exit code (2 for a usage error), so regwatch's functions work without click."""


class UsageError(ValueError):
    """The user asked for something that does not make sense (a bad date, a format for the wrong data)."""
