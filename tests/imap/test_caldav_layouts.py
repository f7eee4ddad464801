"""Discovery on a Cyrus-like layout, which Radicale does not have: the principal is not
the calendar home, Depth 1 on the principal is refused, the root answers PROPFIND with
405 and only ``/.well-known/caldav`` leads in (RFC 6764). Canned RFC 4791 answers from
a local HTTP server; the real client code (requests, XML parsing) runs unchanged."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from dealnudge.connectors.base import AdminError
from dealnudge.connectors.imap.caldav_discovery import discover

PRINCIPAL = "/dav/principals/user/alice/"
HOME = "/dav/calendars/user/alice/"


def _response(href: str, props: str) -> str:
    return (f"<D:response><D:href>{href}</D:href><D:propstat><D:prop>{props}</D:prop>"
            "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>")


def _calendar(href: str, name: str, *components: str) -> str:
    comps = "".join(f'<C:comp name="{c}"/>' for c in components)
    return _response(href, f"<D:resourcetype><D:collection/><C:calendar/></D:resourcetype>"
                           f"<D:displayname>{name}</D:displayname>"
                           f"<C:supported-calendar-component-set>{comps}"
                           "</C:supported-calendar-component-set>")


ANSWERS = {
    ("/dav/", "0"): _response("/dav/", "<D:resourcetype><D:collection/></D:resourcetype>"
                                       f"<D:current-user-principal><D:href>{PRINCIPAL}</D:href>"
                                       "</D:current-user-principal>"),
    ("/dav/", "1"): _response("/dav/", "<D:resourcetype><D:collection/></D:resourcetype>"),
    (PRINCIPAL, "0"): _response(PRINCIPAL, "<D:resourcetype><D:principal/></D:resourcetype>"
                                           f"<C:calendar-home-set><D:href>{HOME}</D:href>"
                                           "</C:calendar-home-set>"),
    (HOME, "0"): _response(HOME, "<D:resourcetype><D:collection/></D:resourcetype>"),
    (HOME, "1"): _response(HOME, "<D:resourcetype><D:collection/></D:resourcetype>")
    + _calendar(HOME + "Tasks/", "Tasks", "VTODO")
    + _calendar(HOME + "Default/", "Personal", "VEVENT", "VTODO")
    + _response(HOME + "Inbox/", "<D:resourcetype><D:collection/><C:schedule-inbox/>"
                                 "</D:resourcetype>"),
}


class _Cyrus(http.server.BaseHTTPRequestHandler):
    def do_PROPFIND(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/.well-known/caldav":
            self._reply(301, b"", {"Location": "/dav/"})
            return
        body = ANSWERS.get((self.path, self.headers.get("Depth", "0")))
        if body is None:
            self._reply(403 if self.path == PRINCIPAL else 405, b"")
            return
        xml = ('<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" '
               f'xmlns:C="urn:ietf:params:xml:ns:caldav">{body}</D:multistatus>')
        self._reply(207, xml.encode(), {"Content-Type": "application/xml"})

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def cyrus() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Cyrus)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def find(url: str, wanted: str | None = None):  # type: ignore[no-untyped-def]
    return discover(url, username="alice", password="pw", verify=True, timeout=5, wanted=wanted)


@pytest.mark.parametrize("path", ["/", PRINCIPAL, HOME, HOME + "Default/"])
def test_every_cyrus_url_leads_to_the_event_calendar(cyrus: str, path: str) -> None:
    found = find(cyrus + path)
    assert found.calendar.url == f"{cyrus}{HOME}Default/" and found.calendar.name == "Personal"
    assert [c.name for c in found.found] == ["Personal"]  # tasks and the inbox are not calendars of events


def test_a_task_list_by_name_is_refused_with_the_choices(cyrus: str) -> None:
    with pytest.raises(AdminError) as err:
        find(cyrus + HOME, wanted="Tasks")
    assert str(err.value) == f"{cyrus}{HOME} has no calendar named 'Tasks'; it has 'Personal'"
