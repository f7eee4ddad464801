"""The calendar stream of an IMAP source: CalDAV on the real Radicale, .ics feeds, files."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from caldav.davclient import DAVClient
from dealnudge.connectors.base import AdminError, CursorExpired, Stream

from tests.conformance import drain, event
from tests.imap.conftest import ImapWorld, ics

CAL = Stream("calendar", "calendar")


def test_caldav_deleted_event_is_reported(world: ImapWorld) -> None:
    world.add_event(event(1, world.rep_email))
    world.add_event(event(2, world.rep_email))
    conn = world.connector()
    first = drain(conn, CAL, None)
    assert json.loads(first.cursor or "")["token"].startswith("http")  # a real RFC 6578 token
    world.events["e2"][1].delete()
    later = drain(conn, CAL, first.cursor)
    assert later.deleted == ["uid-2@northwind.example"] and later.events == []


def test_caldav_unknown_sync_token_is_cursor_expired(world: ImapWorld) -> None:
    world.add_event(event(1, world.rep_email))
    conn = world.connector()
    first = json.loads(drain(conn, CAL, None).cursor or "")
    first["token"] = first["token"][:-8] + "deadbeef"
    with pytest.raises(CursorExpired):
        drain(conn, CAL, json.dumps(first))


def test_caldav_wrong_calendar_password_is_admin_error(world: ImapWorld) -> None:
    conn = world.connector(calendar_password="wrong")
    with pytest.raises(AdminError) as err:
        drain(conn, CAL, None)
    assert "wrong" not in str(err.value)


def test_caldav_uses_the_mail_login_by_default(world: ImapWorld) -> None:
    client = DAVClient(url=f"https://127.0.0.1:{world.radicale.port}/{world.rep_email}/",
                              username=world.rep_email, password=world.password,
                              ssl_verify_cert=str(world.ca.ca_file))
    own = client.principal().make_calendar(name="own", cal_id="own")
    own.save_event(ics(event(4, world.rep_email)))
    conn = world.connector(calendar=str(own.url), calendar_username=None,
                           calendar_password=None)
    assert [e.title for e in drain(conn, CAL, None).events] == ["Discovery call 4"]


class _Feed(http.server.BaseHTTPRequestHandler):
    body = b""
    etag = '"v1"'
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        type(self).seen.append(dict(self.headers))
        if self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", self.etag)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def feed() -> Iterator[tuple[str, type[_Feed]]]:
    handler = type("Feed", (_Feed,), {"seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/team/rep.ics", handler
    server.shutdown()


def _two_events(rep: str) -> bytes:
    one, two = ics(event(1, rep)), ics(event(2, rep))
    inner = two.split("BEGIN:VEVENT", 1)[1].split("END:VCALENDAR")[0]
    return one.replace("END:VCALENDAR", "BEGIN:VEVENT" + inner + "END:VCALENDAR").encode()


def test_ics_feed_conditional_get(world: ImapWorld, feed: tuple[str, type[_Feed]]) -> None:
    url, handler = feed
    handler.body = _two_events(world.rep_email)
    conn = world.connector(calendar=url)
    first = drain(conn, CAL, None)
    assert sorted(e.title for e in first.events) == ["Discovery call 1", "Discovery call 2"]
    same = drain(conn, CAL, first.cursor)
    assert same.events == [] and same.deleted == []
    assert handler.seen[-1]["If-None-Match"] == '"v1"'
    handler.body, handler.etag = ics(event(1, world.rep_email)).encode(), '"v2"'
    later = drain(conn, CAL, same.cursor)
    assert later.deleted == ["uid-2@northwind.example"]
    assert [e.title for e in later.events] == ["Discovery call 1"]


def test_local_ics_file(world: ImapWorld, tmp_path: Path) -> None:
    path = tmp_path / "rep.ics"
    path.write_bytes(_two_events(world.rep_email))
    conn = world.connector(calendar=str(path))
    first = drain(conn, CAL, None)
    assert len(first.events) == 2
    assert drain(conn, CAL, first.cursor).events == []
    path.write_text(ics(event(2, world.rep_email)))
    assert drain(conn, CAL, first.cursor).deleted == ["uid-1@northwind.example"]
