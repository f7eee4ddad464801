"""Google credentials with the fewest scopes that work, in the two supported modes.

Organisation-wide: one service account with domain-wide delegation impersonates
each rep (``with_subject(mailbox)``); the key file's ``token_uri`` is used as
written, so an admin (or a test) can point it at another token endpoint. Reading
needs only ``gmail.readonly`` and ``calendar.readonly``; the nudge sender gets a
separate credential with only ``gmail.send``, impersonating ``providers.google.sender``.

Single user: the installed-app flow (google-auth-oauthlib) stores an authorised-user
token file, readable by its owner only (0600); google-auth refreshes it as needed.
``Credentials.from_authorized_user_info`` silently replaces the file's ``token_uri``
with Google's; we put the written one back, as for service-account keys.
"""

from __future__ import annotations

import json
import os
import webbrowser
from pathlib import Path

from dealnudge.config.schema import Config, GoogleProvider
from dealnudge.connectors.base import AdminError
from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from google_auth_oauthlib.flow import InstalledAppFlow

GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"
CALENDAR_READONLY = "https://www.googleapis.com/auth/calendar.readonly"
GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
READ_SCOPES = (GMAIL_READONLY, CALENDAR_READONLY)
SEND_SCOPES = (GMAIL_SEND,)


def provider_of(config: Config) -> GoogleProvider:
    if config.providers.google is None:
        raise AdminError("a rep uses source kind google but providers.google is not configured")
    return config.providers.google


def credentials_for(provider: GoogleProvider, subject: str,
                    scopes: tuple[str, ...]) -> Credentials:
    """Credentials acting as ``subject`` with exactly ``scopes`` (nothing is fetched yet)."""
    if provider.service_account_file is not None:
        return _delegated(provider.service_account_file, subject, scopes)
    return _single_user(provider, scopes)


def _delegated(key_file: Path, subject: str, scopes: tuple[str, ...]) -> Credentials:
    try:
        creds = service_account.Credentials.from_service_account_file(
            str(key_file), scopes=list(scopes))
    except (OSError, ValueError, KeyError) as err:
        # The message names the file and the kind of problem, never the key's contents.
        raise AdminError(f"cannot use the Google service account key file {key_file}: "
                         f"{type(err).__name__}") from None
    delegated: Credentials = creds.with_subject(subject)
    return delegated


def _single_user(provider: GoogleProvider, scopes: tuple[str, ...]) -> Credentials:
    token_file = provider.token_file
    if token_file is None or not token_file.exists():
        raise AdminError("single-user Google mode needs a token file: run `dealnudge "
                         "google-login` first (providers.google.token_file)")
    try:
        info = json.loads(token_file.read_text(encoding="utf-8"))
        creds = user_credentials.Credentials.from_authorized_user_info(info, scopes=list(scopes))
        if info.get("token_uri"):  # from_authorized_user_info always resets it to Google's
            creds = creds.with_token_uri(str(info["token_uri"]))
    except (OSError, ValueError, KeyError) as err:
        raise AdminError(f"cannot read the Google token file {token_file}: "
                         f"{type(err).__name__}") from None
    user: Credentials = creds
    return user


def login_single_user(config: Config, *, browser: str | None = None,
                      open_browser: bool = True, port: int = 0) -> Path:
    """Run the installed-app consent flow once and store the token (mode 0600).

    Asks for reading scopes, plus ``gmail.send`` when nudges are delivered through
    Gmail (single-user mode sends as the same account). Returns the token file path.
    """
    provider = provider_of(config)
    if provider.oauth_client_file is None or provider.token_file is None:
        raise AdminError("google-login needs providers.google.oauth_client_file and token_file")
    scopes = list(READ_SCOPES)
    if config.nudges.delivery.kind == "gmail":
        scopes.append(GMAIL_SEND)
    flow = InstalledAppFlow.from_client_secrets_file(str(provider.oauth_client_file), scopes)
    if open_browser and browser is not None:
        webbrowser.get(browser)  # fail early, before a port is opened, on an unknown browser
    creds = flow.run_local_server(host="localhost", port=port, open_browser=open_browser,
                                  browser=browser, access_type="offline", prompt="consent")
    write_private(provider.token_file, creds.to_json())
    return provider.token_file


def write_private(path: Path, text: str) -> None:
    """Write ``text`` so that only the owner can ever read it (created 0600, atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
