"""Connectors by name, imported lazily: a deployment without msal still runs Google.

Each connector module exposes ``create(rep, config, ctx) -> Connector`` and, where
the provider can send mail, ``create_sender(config, ctx) -> Sender``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from dealnudge.config.schema import Config, Rep
from dealnudge.connectors.base import AdminError, Connector, ConnectorContext, Sender

MODULES: dict[str, str] = {
    "local": "dealnudge.connectors.local",
    "google": "dealnudge.connectors.google",
    "microsoft": "dealnudge.connectors.microsoft",
    "imap": "dealnudge.connectors.imap",
}


def _module(kind: str) -> ModuleType:
    try:
        name = MODULES[kind]
    except KeyError:
        raise AdminError(f"unknown source kind {kind!r}; known: {', '.join(MODULES)}") from None
    try:
        return importlib.import_module(name)
    except ImportError as err:
        raise AdminError(f"the {kind} connector cannot be loaded ({err}); "
                         f"reinstall dealnudge with its dependencies") from err


def create(rep: Rep, config: Config, ctx: ConnectorContext) -> Connector:
    conn: Connector = _module(rep.source.kind).create(rep, config, ctx)
    return conn


def create_sender(kind: str, config: Config, ctx: ConnectorContext) -> Sender:
    """The provider's sender for delivery kinds ``gmail`` (google) and ``graph`` (microsoft)."""
    provider = {"gmail": "google", "graph": "microsoft"}[kind]
    sender: Sender = _module(provider).create_sender(config, ctx)
    return sender
