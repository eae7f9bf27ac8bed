"""The two ways the notifier tells a user something is wrong: bad configuration, failed delivery."""


class ConfigError(ValueError):
    """regwatch.toml asks for something the notifier cannot do; the message names the key."""


class DeliveryError(Exception):
    """A channel could not deliver a message. The text never holds a secret."""
