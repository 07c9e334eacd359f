"""Errors that speak to users: one line saying what was wrong, what was expected, and where.

Front ends catch :class:`UserInputError`, print its message on one line to stderr and exit 2.
"""

from __future__ import annotations

import difflib


class UserInputError(ValueError):
    """Bad input from a user (parameter, scenario, file, spec): the message is the whole story."""


class ParameterError(UserInputError):
    """An unknown parameter name, a value of the wrong type or a value out of bounds."""


class ScenarioError(UserInputError):
    """An unknown scenario, a missing or malformed scenario file."""


def closest(name: str, choices: list[str] | tuple[str, ...]) -> str:
    """A ``did you mean`` hint for ``name`` among ``choices`` ('' if nothing is close)."""
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""
