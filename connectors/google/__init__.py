"""Google Workspace (Gmail + Google Calendar) connector and Gmail nudge sender.

``create`` builds one rep's connector (streams ``mail`` and ``calendar``);
``create_sender`` builds the Gmail sender; ``login_single_user`` runs the
installed-app consent flow for single-user deployments (the CLI's
``google-login``). See ``docs/google.md`` for the admin setup.
"""

from __future__ import annotations

from dealnudge.connectors.google.auth import login_single_user
from dealnudge.connectors.google.connector import GoogleConnector, create
from dealnudge.connectors.google.sender import GmailSender, create_sender

kind = "google"

__all__ = ["GmailSender", "GoogleConnector", "create", "create_sender", "kind",
           "login_single_user"]
