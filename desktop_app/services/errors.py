"""Refusals a use case can give; each message is a Russian sentence for the user."""

from desktop_app.errors import OtklikError


class PermissionDeniedError(OtklikError):
    """The acting user's role or department does not allow this action."""


class InvalidTransitionError(OtklikError):
    """The message is not in a state where this action is possible."""


class ConflictError(OtklikError):
    """Someone else changed the record first (optimistic version check)."""


class InputError(OtklikError):
    """A required field is missing or invalid (reason, comment, department…)."""


class NotFoundError(OtklikError):
    """The record does not exist or is not visible to the acting user."""


class AuthenticationError(OtklikError):
    """Wrong login or password, or the account is disabled."""
