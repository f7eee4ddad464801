"""Digest links: built from stored ids and addresses, percent-encoded, and robust to
whatever outsiders put in a meeting title."""

from __future__ import annotations

import dataclasses
import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from dealnudge.scheduler.compose import render_digest, reply_links
from dealnudge.scheduler.links import open_link, recap_draft
from dealnudge.store import StoredFinding

from tests.scheduler.factories import LI, SARAH, config, finding, li, parts, sarah

UTC = dt.UTC
HOSTILE = 'Q3 "deal" <b>&amp; #1?x=2\r\nBcc: evil@attacker.example\u202eexe.txt\u200f'
CONTACTS = ("dana@acme.example", "wang+pilot@acme.example", "o'brien@globex.example")
LINK = "https://outlook.office365.com/owa/?ItemID=AAk%2B1&exvsurl=1"


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value or "" for name, value in attrs if name == "href"]


def _stored(*findings: object) -> list[StoredFinding]:
    now = dt.datetime(2026, 3, 4, tzinfo=UTC)
    return [StoredFinding(finding=f, first_seen=now, last_seen=now, status="open",  # type: ignore[arg-type]
                          closed_at=None) for f in findings]


def _hostile_digest(tmp_path: Path, language: str) -> tuple[str, str]:
    rep = sarah() if language == "en" else li()
    f = dataclasses.replace(finding(rep.email, "missing_follow_up", title=HOSTILE),
                            contacts=CONTACTS, web_link=LINK + '"><script>x</script>')
    msg = render_digest(rep, _stored(f), dt.date(2026, 3, 4), config(tmp_path, [rep]))
    return parts(msg)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_hostile_titles_stay_inside_their_links(tmp_path: Path, language: str) -> None:
    text, html = _hostile_digest(tmp_path, language)
    anchors = Anchors()
    anchors.feed(html)
    assert len(anchors.hrefs) == 2, anchors.hrefs  # the title opened no link of its own
    web, draft = anchors.hrefs
    for href in (web, draft):
        assert not any(c in href for c in ' \r\n"<>\'\u202e\u200f'), href
        assert f"<{href}>" in text  # the same link, whole, in the text part
    assert "<script>" not in html
    assert web == LINK + "%22%3E%3Cscript%3Ex%3C/script%3E"  # existing escapes kept
    parsed = urlsplit(draft)
    assert parsed.scheme == "mailto" and "#" not in draft
    assert [unquote(a) for a in parsed.path.split(",")] == list(CONTACTS)
    fields = parse_qs(parsed.query, strict_parsing=True)
    assert set(fields) == {"subject", "body"}  # no header smuggled in through the title
    (subject,) = fields["subject"]
    assert "\r" not in subject and "\n" not in subject and "Bcc" in subject
    prefix = "Recap: " if language == "en" else "会议纪要："
    assert subject.startswith(prefix + 'Q3 "deal" <b>&amp; #1?x=2')
    assert "\u202e" not in subject  # bidirectional marks cannot reorder the subject


def test_recap_body_is_in_the_reps_language_and_ends_asking_for_the_day() -> None:
    start = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    en = parse_qs(urlsplit(recap_draft("en", "Pilot", ["a@acme.example"], start, "Sarah")
                           or "").query)
    zh = parse_qs(urlsplit(recap_draft("zh", "试用", ["a@acme.example"], start, "李伟")
                           or "").query)
    assert en["subject"] == ["Recap: Pilot"] and zh["subject"] == ["会议纪要：试用"]
    assert en["body"][0].rstrip().endswith("calendars?") and "\r\n" in en["body"][0]
    assert zh["body"][0].rstrip().endswith("都记到日历上。") and "哪一天" in zh["body"][0]
    assert recap_draft("en", "Pilot", [], start, "Sarah") is None  # nobody to write to


@pytest.mark.parametrize("url", ["javascript:alert(1)", "http://mail.google.com/x",
                                 "data:text/html,x", "https://user@evil.example/", "", None])
def test_only_plain_https_provider_links_are_kept(url: str | None) -> None:
    assert open_link(url) is None


def test_reply_draft_answers_the_customer_message_in_its_thread() -> None:
    f = dataclasses.replace(finding(SARAH, "missing_follow_up"),
                            web_link="https://mail.google.com/mail/u/0/#all/18c2")
    web, reply = reply_links(f, "en", to="dana@acme.example", subject="Pricing?\r\nBcc: x@y",
                             message_id="<abc@acme.example>")
    assert web.href == "https://mail.google.com/mail/u/0/#all/18c2"
    parsed = urlsplit(reply.href)
    fields = parse_qs(parsed.query)
    assert parsed.path == "dana@acme.example"
    assert fields["subject"] == ["Re: Pricing? Bcc: x@y"]
    assert fields["In-Reply-To"] == ["<abc@acme.example>"]


def test_items_without_a_stored_link_or_attendees_have_no_links(tmp_path: Path) -> None:
    f = finding(LI, "no_next_step")  # a local source: no web link, no contacts
    _text, html = parts(render_digest(li(), _stored(f), dt.date(2026, 3, 4),
                                      config(tmp_path, [li()])))
    anchors = Anchors()
    anchors.feed(html)
    assert anchors.hrefs == []
