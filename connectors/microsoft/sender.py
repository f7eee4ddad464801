"""Deliver a finished nudge through Graph ``POST /users/{sender}/sendMail`` (202).

Two forms, chosen by ``nudges.delivery.sent_check``:

- Off (the default): JSON with ``saveToSentItems: false``, so no copy is kept in a
  mailbox dealnudge itself may read (it would come back as "seller activity"). JSON
  carries one body, so the nudge's HTML alternative is sent (it holds the same
  bilingual text); a text-only nudge goes as ``contentType: Text``. Custom headers
  survive only if they start with ``X-`` (Graph's rule for ``internetMessageHeaders``),
  and Exchange assigns its own Message-ID.
- On: the MIME form (``Content-Type: text/plain``, the message base64-encoded; Graph's
  documented variant, still ``Mail.Send`` only). Graph keeps our headers, our
  deterministic Message-ID among them, and always saves a copy to Sent Items. A
  stranded claim is then looked up there: ``GET /users/{sender}/mailFolders/SentItems/
  messages?$filter=internetMessageId eq '<id>'&$select=id`` (``Mail.ReadBasic`` on the
  sender mailbox suffices: no bodies are read), and, when not found, the Sent Items
  copies sent since the claim are checked for any other message to the recipient.
"""

from __future__ import annotations

import base64
import email.message
import email.utils
import logging
from typing import Any

from dealnudge.connectors.base import (
    SENT_CLOCK_MARGIN,
    AdminError,
    ConnectorError,
    ErrorKind,
    SentQuery,
    SentVerdict,
    sent_verdict,
)
from dealnudge.connectors.microsoft.graph import GraphClient

log = logging.getLogger(__name__)
MAX_CUSTOM_HEADERS = 5
SENT_ITEMS = "mailFolders/SentItems/messages"
MAX_PAGES = 20  # of sent copies since a claim; more and the answer is "unknown"


class GraphSender:
    def __init__(self, client: GraphClient, *, sent_check: bool = False) -> None:
        self.client = client
        self.sent_check = sent_check

    def send(self, message: email.message.EmailMessage) -> None:
        what = f"sendMail as {self.client.mailbox}"
        url = self.client.user_url("sendMail")
        if not self.sent_check:
            self.client.post_json(url, {"message": graph_message(message),
                                        "saveToSentItems": False}, what=what)
            return
        body = base64.b64encode(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
        # GraphClient has a JSON POST only; its request path (gate, retry, errors) is reused.
        self.client._with_retry("POST", url, data=body, what=what,
                                headers={"Content-Type": "text/plain"})

    def find_sent(self, query: SentQuery) -> SentVerdict:
        """Look ``query`` up in the sender's Sent Items (``Mail.ReadBasic``)."""
        if not query.searchable:
            return "unknown"
        url = self.client.user_url(SENT_ITEMS)
        try:
            found = self.client.get_json(url, params={
                "$filter": f"internetMessageId eq '{query.message_id}'", "$select": "id"},
                what="the sent check (Sent Items by internetMessageId)")
            if _values(found):
                return "delivered"
            since = (query.since - SENT_CLOCK_MARGIN).strftime("%Y-%m-%dT%H:%M:%SZ")
            others = self._sent_to(query.recipient, url, since)
        except AdminError as err:
            raise AdminError(f"the Graph sent check for {self.client.mailbox} needs "
                             f"Mail.ReadBasic (or Mail.Read) on that mailbox ({err})") from None
        return sent_verdict(query, ours=False, others=others,
                            where=f"Sent Items of {self.client.mailbox}", warn=log.warning)

    def _sent_to(self, recipient: str, url: str, since: str) -> int:
        """How many Sent Items copies since ``since`` went to ``recipient``."""
        params: dict[str, str] | None = {
            "$filter": f"sentDateTime ge {since}",
            "$select": "id,toRecipients,ccRecipients,bccRecipients", "$top": "100"}
        count = 0
        for _ in range(MAX_PAGES):
            page = self.client.get_json(url, params=params, what="the sent check (Sent Items "
                                        "since the claim)")
            count += sum(1 for item in _values(page) if _addressed(item, recipient))
            link = page.get("@odata.nextLink")
            if not isinstance(link, str):
                return count
            url, params = link, None
        raise ConnectorError(f"Sent Items of {self.client.mailbox} holds more than "
                             f"{MAX_PAGES} pages since the claim", kind=ErrorKind.TRANSIENT)


def graph_message(message: email.message.EmailMessage) -> dict[str, Any]:
    html = message.get_body(preferencelist=("html",))
    part = html or message.get_body(preferencelist=("plain",))
    content = part.get_content() if isinstance(part, email.message.EmailMessage) else ""
    doc: dict[str, Any] = {
        "subject": str(message.get("Subject", "")),
        "body": {"contentType": "HTML" if html is not None else "Text", "content": content},
        "toRecipients": _recipients(message.get_all("To", [])),
        "ccRecipients": _recipients(message.get_all("Cc", [])),
    }
    reply_to = _recipients(message.get_all("Reply-To", []))
    if reply_to:
        doc["replyTo"] = reply_to
    headers = [{"name": k, "value": str(v)} for k, v in message.items()
               if k.lower().startswith("x-")][:MAX_CUSTOM_HEADERS]
    if headers:
        doc["internetMessageHeaders"] = headers
    return doc


def _recipients(values: list[Any]) -> list[dict[str, Any]]:
    return [{"emailAddress": {"address": addr, **({"name": name} if name else {})}}
            for name, addr in email.utils.getaddresses([str(v) for v in values]) if addr]


def _values(page: dict[str, Any]) -> list[dict[str, Any]]:
    values = page.get("value")
    if not isinstance(values, list):
        raise ConnectorError("Graph answered a message list without 'value'",
                             kind=ErrorKind.BAD_DATA)
    return [v for v in values if isinstance(v, dict)]


def _addressed(item: dict[str, Any], recipient: str) -> bool:
    wanted = recipient.lower()
    for key in ("toRecipients", "ccRecipients", "bccRecipients"):
        for person in item.get(key) or []:
            address = (person.get("emailAddress") or {}).get("address") if isinstance(
                person, dict) else None
            if isinstance(address, str) and address.lower() == wanted:
                return True
    return False
