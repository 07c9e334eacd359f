"""Errors of the experiments that are not the user's input (those are ``UserInputError``)."""

from __future__ import annotations


class RunFailed(RuntimeError):
    """A model run raised: the message is one line naming the run and the error."""
