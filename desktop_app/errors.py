"""Errors that carry a message meant for the user (Russian), shared by all layers."""


class OtklikError(Exception):
    """Base error whose ``str()`` is a complete Russian sentence fit for the user."""


class SettingsError(OtklikError):
    """The settings file is unreadable or a key has an invalid value."""


class DatabaseUnavailableError(OtklikError):
    """The configured database cannot be opened or migrated."""
