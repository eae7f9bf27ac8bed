"""A local look-alike of www.miit.gov.cn and www.samr.gov.cn for tests, the demo and the benchmark.

Start it with ``python -m replica --port 0``; it prints one base URL per site. The content follows a
timeline of states (see ``replica.timeline``) and can misbehave on request (see ``replica.faults``).
This package imports nothing from regwatch, so it can stand in for the real sites unchanged.
"""

from importlib.util import find_spec

# The third-party packages the replica and its loopback sinks need: the `demo` extra of pyproject.toml.
DEMO_PACKAGES = ("aiosmtpd", "reportlab")


def missing_demo_packages() -> list[str]:
    """Which of the demo extra's packages are not installed (the application itself needs none)."""
    return [name for name in DEMO_PACKAGES if find_spec(name) is None]
