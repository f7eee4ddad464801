"""The real-world regression corpus (tests/fixtures/corpus) through the local connector:
every file parses or is skipped with a reason; nothing raises, nothing is a bug, and no
file takes more than 2 s."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dealnudge.connectors.ics import MalformedCalendar, parse_calendar_report
from dealnudge.connectors.local import CALENDAR, MAIL
from dealnudge.connectors.mime import MalformedMessage, parse_message

from tests.conformance import drain
from tests.local.test_local_connector import connector

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"
CALENDARS = sorted((CORPUS / "icalendar").glob("*.ics"))
MAILS = sorted((CORPUS / "cpython-email").glob("*.eml"))
NOW = dt.datetime(2013, 6, 1, tzinfo=dt.UTC)  # many of the files are from 2010–2016
WINDOW = (dt.datetime(1990, 1, 1, tzinfo=dt.UTC), dt.datetime(2030, 1, 1, tzinfo=dt.UTC))


def test_the_corpus_is_there_with_its_licences() -> None:
    assert len(CALENDARS) >= 100 and len(MAILS) >= 45
    assert (CORPUS / "icalendar" / "LICENSE.rst").exists()
    assert (CORPUS / "cpython-email" / "LICENSE").exists()


@pytest.mark.parametrize("path", CALENDARS, ids=lambda p: p.name)
def test_each_calendar_parses_or_is_refused_with_a_reason(path: Path) -> None:
    started = time.process_time()
    reason = ""
    try:
        found = parse_calendar_report(path.read_bytes(), window_start=WINDOW[0],
                                      window_end=WINDOW[1], default_tz=ZoneInfo("Europe/Berlin"),
                                      owner="rep@northwind.example")
    except MalformedCalendar as err:
        found = None
        reason = str(err)
    if found is None:
        assert reason
    else:
        assert not any("bug:" in p for p in found.problems), found.problems
        assert all(e.start.tzinfo is not None and e.end >= e.start for e in found.events)
    assert time.process_time() - started < 2


@pytest.mark.parametrize("path", MAILS, ids=lambda p: p.name)
def test_each_message_parses_or_is_refused_with_a_reason(path: Path) -> None:
    started = time.process_time()
    try:
        msg = parse_message(path.read_bytes(), source_id=path.name, folder="inbox")
    except MalformedMessage as err:
        assert err.args and err.args[0]  # noqa: PT017 - the reason is the assertion
    else:
        assert msg.sent_at.tzinfo is not None and msg.sender.email == msg.sender.email.lower()
    assert time.process_time() - started < 2


def test_the_whole_corpus_syncs_through_the_local_connector(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "icalendar", tmp_path / "calendars")
    shutil.copytree(CORPUS / "cpython-email", tmp_path / "mail")
    conn = connector(tmp_path, mail=tmp_path / "mail", calendar=tmp_path / "calendars",
                     now=NOW)
    mail = drain(conn, MAIL, None)
    skipped = [s for p in mail.pages for s in p.skipped]
    assert len(mail.messages) + len(skipped) == len(MAILS)  # every file accounted for
    assert len(mail.messages) >= 25
    calendar = drain(conn, CALENDAR, None)
    problems = [s for p in calendar.pages for s in p.skipped]
    refused = {s.split(": ", 1)[0] for s in problems}
    assert len(refused) < len(CALENDARS) / 2  # most read cleanly; the rest say why
    assert not any("bug:" in s for s in skipped + problems)
