"""${NAME} and ${NAME:-default} in config values, from the environment: where secrets come from.

One implementation for regwatch.toml, whether `regwatch` or `python -m notifier` reads it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from options.base import ConfigError

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(value: Any, environ: Mapping[str, str] | None = None, where: str = "") -> Any:
    """Replace ${NAME} (or ${NAME:-default}) in every string; an unset variable is an error."""
    env = os.environ if environ is None else environ
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            raise ConfigError(f"{where or 'config'}: environment variable {name} is not set "
                              f"(used as ${{{name}}})")

        if "${" in _ENV.sub("", value):
            raise ConfigError(f"{where or 'config'}: unterminated or malformed ${{...}} in a value "
                              "(write ${NAME} or ${NAME:-default})")
        return _ENV.sub(substitute, value)
    if isinstance(value, Mapping):
        return {k: expand_env(v, env, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v, env, f"{where}[{i}]") for i, v in enumerate(value)]
    return value
