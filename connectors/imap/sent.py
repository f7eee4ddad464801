"""Look an SMTP-submitted nudge up in the sending account's Sent folder, read-only.

Gmail, Microsoft 365 and many other providers file what an account submits over SMTP
in its Sent folder, Message-ID unchanged. ``nudges.delivery.sent_check`` names that
folder's IMAP server; a digest claim left in ``sending`` by a stopped process is then
looked up there: ``EXAMINE`` (never SELECT, so nothing is changed, not even \\Recent),
``UID SEARCH HEADER Message-ID "<id>"``, and, when that finds nothing, a search for any
other message to the recipient since the claim (``SINCE`` is day-grained, so the
candidates' INTERNALDATE is compared exactly). The verdict follows ``sent_verdict``.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from dealnudge.config.schema import ImapProvider, SmtpSentCheck
from dealnudge.connectors.base import (
    SENT_CLOCK_MARGIN,
    AdminError,
    SentQuery,
    SentVerdict,
    sent_verdict,
)
from dealnudge.connectors.imap.session import FolderMissing, Session

log = logging.getLogger(__name__)


def find_sent(check: SmtpSentCheck, query: SentQuery, *, username: str | None, password: str,
              ca_bundle: Path | None) -> SentVerdict:
    """The verdict for ``query`` in ``check.folder``; raises ``ConnectorError`` when the
    server cannot be asked (refused login, TLS, network, missing folder)."""
    if not username:
        raise AdminError("nudges.delivery.sent_check needs a username (or the SMTP username)")
    if not query.searchable:
        return "unknown"
    settings = ImapProvider(host=check.host, port=check.port, starttls=check.starttls,
                            ca_bundle=ca_bundle, timeout_seconds=check.timeout_seconds,
                            max_connections=1)
    where = f"the Sent folder {check.folder!r} on {check.host}:{check.port}"
    session = Session(settings, username, password)
    try:
        client = session.client
        with session.guard(f"EXAMINE {check.folder}"):
            try:
                client.select_folder(check.folder, readonly=True)
            except Exception as err:
                raise _missing(err, where) from err
        with session.guard("UID SEARCH"):
            ours = client.search(["HEADER", "Message-ID", query.message_id])
            if ours:
                return "delivered"
            since = query.since - SENT_CLOCK_MARGIN
            day = (since.astimezone(dt.UTC) - dt.timedelta(days=1)).date()
            candidates = client.search(["SINCE", day, "HEADER", "To", query.recipient])
            dates = client.fetch(candidates, ["INTERNALDATE"]) if candidates else {}
        others = sum(1 for data in dates.values() if _after(data.get(b"INTERNALDATE"), since))
        return sent_verdict(query, ours=False, others=others, where=where, warn=log.warning)
    finally:
        session.close()


def _missing(err: Exception, where: str) -> Exception:
    text = str(err)
    if "NONEXISTENT" in text.upper() or "doesn't exist" in text.lower() \
            or "not exist" in text.lower():
        return FolderMissing(f"{where} does not exist; set nudges.delivery.sent_check.folder "
                             "to the server's name for it")
    return err


def _after(value: object, since: dt.datetime) -> bool:
    """INTERNALDATE (IMAPClient gives a naive local time unless told otherwise) ≥ since;
    a date that cannot be read counts, so it can only make the answer more careful."""
    if not isinstance(value, dt.datetime):
        return True
    moment = value if value.tzinfo is not None else value.astimezone()
    return moment >= since
