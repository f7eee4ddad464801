"""The ``dealnudge`` console script: the command group with every subcommand registered.

``cliapp`` defines the group, its options and the error policy; ``commands`` adds the
subcommands to it. Importing both here keeps that one-way.
"""

from dealnudge import commands  # noqa: F401  (registers the subcommands on ``main``)
from dealnudge.cliapp import main

__all__ = ["main"]
