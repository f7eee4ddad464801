"""CalDAV discovery on the real Radicale: the server root, the principal (which is also
Radicale's calendar home) and the calendar itself all lead to the rep's calendar; a URL
that leads to none is a clear AdminError naming it."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from caldav.davclient import DAVClient
from dealnudge.connectors.base import AdminError, Stream
from dealnudge.connectors.cursors import decode_cursor
from dealnudge.connectors.imap.caldav_discovery import discover

from tests.conformance import drain, event
from tests.imap.conftest import ImapWorld, ics

CAL = Stream("calendar", "calendar")


def own_calendars(world: ImapWorld, *names: str, tasks: bool = False) -> str:
    """Calendars owned by the rep (mail login = calendar login); returns the principal URL."""
    principal_url = f"https://127.0.0.1:{world.radicale.port}/{world.rep_email}/"
    client = DAVClient(url=principal_url, username=world.rep_email, password=world.password,
                       ssl_verify_cert=str(world.ca.ca_file))
    principal = client.principal()
    if tasks:
        principal.make_calendar(name="Tasks", cal_id="tasks",
                                supported_calendar_component_set=["VTODO"])
    for i, name in enumerate(names):
        cal = principal.make_calendar(name=name, cal_id=name.lower())
        cal.save_event(ics(event(10 + i, world.rep_email)))
    return principal_url


def rep_connector(world: ImapWorld, url: str, **more: object):  # type: ignore[no-untyped-def]
    return world.connector(calendar=url, calendar_username=None, calendar_password=None, **more)


@pytest.mark.parametrize("which", ["root", "principal", "calendar"])
def test_root_principal_and_calendar_urls_all_find_it(world: ImapWorld, which: str) -> None:
    principal = own_calendars(world, "Work", tasks=True)
    url = {"root": f"https://127.0.0.1:{world.radicale.port}/", "principal": principal,
           "calendar": principal + "work/"}[which]
    page = drain(rep_connector(world, url), CAL, None)
    assert [e.title for e in page.events] == ["Discovery call 10"]
    cursor = decode_cursor(page.cursor or "", "caldav")
    assert unquote(str(cursor["url"])).endswith(f"/{world.rep_email}/work/")
    assert cursor["from"] == url + "#"


def test_calendar_name_picks_one_and_an_unknown_name_lists_them(world: ImapWorld) -> None:
    principal = own_calendars(world, "Work", "Private")
    found = discover(principal, username=world.rep_email, password=world.password,
                     verify=str(world.ca.ca_file), timeout=10, wanted=None)
    assert "set calendar_name to choose" in found.how and len(found.found) == 2
    page = drain(rep_connector(world, principal, calendar_name="private"), CAL, None)
    assert [e.title for e in page.events] == ["Discovery call 11"]
    with pytest.raises(AdminError) as err:
        drain(rep_connector(world, principal, calendar_name="Holidays"), CAL, None)
    assert str(err.value) == (f"{principal} has no calendar named 'Holidays'; it has "
                              "'Work', 'Private'") or "'Private'" in str(err.value)


def test_a_principal_without_an_event_calendar_is_no_calendar_not_bad_credentials(
        world: ImapWorld) -> None:
    principal = own_calendars(world, tasks=True)
    with pytest.raises(AdminError) as err:
        drain(rep_connector(world, principal), CAL, None)
    message = str(err.value)
    assert message.startswith(f"{principal} leads to no calendar (only 'Tasks', without events)")
    assert "credentials" not in message


def test_later_rounds_skip_discovery_and_follow_a_changed_setting(world: ImapWorld) -> None:
    principal = own_calendars(world, "Work", "Private")
    first = drain(rep_connector(world, principal), CAL, None)
    cursor = decode_cursor(first.cursor or "", "caldav")
    again = drain(rep_connector(world, principal), CAL, first.cursor)
    assert again.events == []
    assert decode_cursor(again.cursor or "", "caldav")["url"] == cursor["url"]
    other = "Private" if str(cursor["url"]).endswith("/work/") else "Work"
    switched = drain(rep_connector(world, principal, calendar_name=other), CAL, first.cursor)
    assert {e.title for e in switched.events} == {
        "Discovery call 11" if other == "Private" else "Discovery call 10"}
    assert switched.pages[0].full  # another collection: its first read


def test_wrong_password_during_discovery_is_refused_credentials(world: ImapWorld) -> None:
    principal = own_calendars(world, "Work")
    with pytest.raises(AdminError) as err:
        drain(world.connector(calendar=principal, calendar_username=world.rep_email,
                              calendar_password="not-it"), CAL, None)
    assert "refused the calendar credentials" in str(err.value) and "not-it" not in str(err.value)


class _NotDav(http.server.BaseHTTPRequestHandler):
    """A web server root that answers PROPFIND with 405, like most sites."""

    def do_PROPFIND(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def plain_site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotDav)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_root_that_refuses_propfind_is_named_not_a_bare_405(world: ImapWorld,
                                                             plain_site: str) -> None:
    with pytest.raises(AdminError) as err:
        drain(world.connector(calendar=plain_site), CAL, None)
    assert str(err.value).startswith(f"{plain_site} is not a CalDAV URL: the server refuses "
                                     f"PROPFIND there and at {plain_site}.well-known/caldav")
