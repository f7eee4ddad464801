"""Microsoft 365 (Graph mail + calendar, msal login) connector and nudge sender.

Organisation-wide it logs in app-only (client secret or certificate, application
permissions Mail.Read + Calendars.Read, Mail.Send for the sender mailbox) and reads
``/users/{mailbox}``; with ``device_code: true`` one user signs in once
(``login_device_code``) and the delegated token cache is kept in
``token_cache_file``. See ``docs/microsoft.md`` for the admin's side.
"""

from __future__ import annotations

from collections.abc import Callable

from dealnudge.config.schema import Config, GraphDelivery, MicrosoftProvider, Rep
from dealnudge.connectors.base import AdminError, ConnectorContext
from dealnudge.connectors.microsoft import auth
from dealnudge.connectors.microsoft.connector import MicrosoftConnector
from dealnudge.connectors.microsoft.graph import GraphClient
from dealnudge.connectors.microsoft.sender import GraphSender

kind = "microsoft"

__all__ = [
    "GraphSender",
    "MicrosoftConnector",
    "create",
    "create_sender",
    "kind",
    "login_device_code",
]


def create(rep: Rep, config: Config, ctx: ConnectorContext) -> MicrosoftConnector:
    provider = _provider(config)
    app = auth.graph_app(provider, rep=rep.email)
    client = GraphClient(app, rep.mailbox.lower(), rep.email, ctx)
    return MicrosoftConnector(client, provider, rep.zone, ctx)


def create_sender(config: Config, ctx: ConnectorContext) -> GraphSender:
    provider = _provider(config)
    if not provider.sender:
        raise AdminError("nudges.delivery kind graph needs providers.microsoft.sender")
    app = auth.graph_app(provider, rep=provider.sender)
    delivery = config.nudges.delivery
    check = isinstance(delivery, GraphDelivery) and delivery.sent_check
    return GraphSender(GraphClient(app, provider.sender.lower(), provider.sender, ctx),
                       sent_check=check)


def login_device_code(config: Config, print_fn: Callable[[str], None]) -> str:
    """Single-user mode: sign in once; returns the account's user name."""
    return auth.login_device_code(_provider(config), print_fn)


def _provider(config: Config) -> MicrosoftProvider:
    provider = config.providers.microsoft
    if provider is None:
        raise AdminError("a microsoft source needs a providers.microsoft section")
    return provider
