"""The links in a digest item: open the record in the rep's own client, or start the
e-mail the nudge asks for, in one click.

Every link is built from stored ids and addresses only, and every part that came
from outside (a meeting title, an address, a provider's URL) is percent-encoded
with ``urllib.parse.quote``, so nothing an outsider wrote — CR/LF, quotes, ``<``,
``&``, ``#``, ``?``, bidirectional marks — can end a link early, add a header to a
draft or a parameter to a URL. Titles are first cleaned of control characters (the
same ``clean`` the digest text uses), so a draft's subject is one line.

* ``open_link``: the provider's own page (Google Calendar ``htmlLink``, Outlook on
  the web ``webLink``, the Gmail thread URL the connector built from the thread
  id); only ``https`` URLs are kept. IMAP and local sources have none.
* ``recap_draft``: a ``mailto:`` (RFC 6068) to the meeting's customer attendees with
  "Recap: <title>" / "会议纪要：<title>" and a body skeleton in the rep's language
  that ends by asking for the dated next step.
* ``reply_draft``: a ``mailto:`` answering one customer message (``In-Reply-To`` set),
  for findings about a customer still waiting for an answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlsplit

from dealnudge.scheduler import i18n
from dealnudge.scheduler.i18n import Language
from dealnudge.scheduler.text import clean

LinkKind = Literal["open", "recap", "reply"]
_URL_SAFE = ":/?#[]@!$&()*+,;=%~"  # URL delimiters kept; quotes, <, >, spaces, controls encoded


@dataclass(frozen=True)
class Link:
    kind: LinkKind
    label: str
    href: str


def open_link(url: str | None) -> str | None:
    """A provider's web URL, re-encoded; None unless it is a plain https URL."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "https" or not parts.netloc or "@" in parts.netloc:
        return None
    return quote(url.strip(), safe=_URL_SAFE)


def mailto(to: Sequence[str], **fields: str) -> str:
    """``mailto:a@x,b@y?subject=…&body=…`` with every part percent-encoded."""
    recipients = ",".join(quote(address.strip(), safe="@") for address in to if address.strip())
    query = "&".join(f"{name.replace('_', '-')}={quote(value, safe='')}"
                     for name, value in fields.items() if value)
    return f"mailto:{recipients}" + (f"?{query}" if query else "")


def recap_draft(lang: Language, title: str | None, contacts: Sequence[str],
                start: dt.datetime | None, rep_name: str) -> str | None:
    """The recap e-mail to the meeting's customer attendees; None when nobody to write to."""
    if not contacts:
        return None
    name = clean(title, 150) or i18n.text(lang, "untitled")
    day = i18n.format_day(lang, start.date()) if start is not None else ""
    body = i18n.text(lang, "recap_body", title=name, day=day, name=clean(rep_name, 80))
    return mailto(contacts, subject=i18n.text(lang, "recap_subject", title=name),
                  body=body.replace("\n", "\r\n"))


def reply_draft(lang: Language, to: str, subject: str | None, message_id: str | None) -> str:
    """The answer to one customer message, threaded under it where the client allows."""
    topic = clean(subject, 150)
    if topic and not topic.lower().startswith(("re:", "回复")):
        topic = f"Re: {topic}"
    fields = {"subject": topic, "body": i18n.text(lang, "reply_body").replace("\n", "\r\n")}
    if message_id:
        fields["In_Reply_To"] = f"<{clean(message_id, 300).strip('<>')}>"
    return mailto([to], **fields)
