"""The two ways the notifier tells a user something is wrong: bad configuration, failed delivery."""

from options import ConfigError

__all__ = ["ConfigError", "DeliveryError"]


class DeliveryError(Exception):
    """A channel could not deliver a message. The text never holds a secret."""
