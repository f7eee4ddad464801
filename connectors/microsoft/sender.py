"""Deliver a finished nudge through Graph ``POST /users/{sender}/sendMail`` (202).

Why JSON and not MIME: Graph's MIME variant (base64 body, ``Content-Type:
text/plain``) always saves a copy to Sent Items; only the JSON form takes
``saveToSentItems: false``. A nudge copy in a mailbox dealnudge itself may read
would come back as "seller activity", so we send JSON. JSON carries one body, so the
nudge's HTML alternative is sent (it holds the same bilingual text); a text-only
nudge goes as ``contentType: Text``. Custom headers survive only if they start with
``X-`` (Graph's rule for ``internetMessageHeaders``).
"""

from __future__ import annotations

import email.message
import email.utils
from typing import Any

from dealnudge.connectors.microsoft.graph import GraphClient

MAX_CUSTOM_HEADERS = 5


class GraphSender:
    def __init__(self, client: GraphClient) -> None:
        self.client = client

    def send(self, message: email.message.EmailMessage) -> None:
        self.client.post_json(self.client.user_url("sendMail"),
                              {"message": graph_message(message), "saveToSentItems": False},
                              what=f"sendMail as {self.client.mailbox}")


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
