"""From whatever CalDAV URL the admin was given to the one calendar collection to read.

Providers hand out four kinds of URL, and each server lays them out its own way:

* a calendar (what sync needs): Radicale ``/alice/<uuid>/``, Xandikos
  ``/user/calendars/calendar/``, Cyrus ``/dav/calendars/user/alice/Default/``, SOGo
  ``/SOGo/dav/alice/Calendar/personal/``, Nextcloud ``/remote.php/dav/calendars/alice/personal/``;
* a calendar home (Cyrus ``/dav/calendars/user/alice/``, Xandikos ``/user/calendars/``,
  Nextcloud ``/remote.php/dav/calendars/alice/``; Radicale's principal is its home);
* a principal (Cyrus ``/dav/principals/user/alice/``, Xandikos ``/user/``);
* the server root (``https://dav.example.net/``), where many servers answer PROPFIND
  with 405 and only ``/.well-known/caldav`` (RFC 6764) redirects to the DAV root.

So discovery follows the RFCs, not one server: PROPFIND the URL (Depth 0); if it is a
calendar (RFC 4791 ``resourcetype``) use it; else list its children (Depth 1: a home);
else ``current-user-principal`` (RFC 5397) → ``calendar-home-set`` → children; a root
that refuses PROPFIND is retried through ``/.well-known/caldav``. Only collections whose
``supported-calendar-component-set`` includes VEVENT (or that do not say) count; Nextcloud's
schedule inbox/outbox and task lists are skipped. ``calendar_name`` picks one by display
name or last path segment; otherwise a conventional default name, else the first.

Nothing here writes: PROPFIND only, redirects followed by hand so the method and the
credentials stay on the same origin.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import requests
from dealnudge.connectors.base import AdminError, TransientError

log = logging.getLogger(__name__)

DAV, CAL = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
DEFAULT_NAMES = ("default", "calendar", "personal", "home", "main")
MAX_REDIRECTS = 5
MAX_BODY = 4 * 1024 * 1024
_PROPS = (f"{DAV}resourcetype", f"{DAV}displayname", f"{CAL}supported-calendar-component-set",
          f"{DAV}current-user-principal", f"{CAL}calendar-home-set")


@dataclass(frozen=True)
class DavCalendar:
    url: str
    name: str  # the display name, else the last path segment
    events: bool  # holds VEVENT (or does not say)


@dataclass(frozen=True)
class Discovery:
    calendar: DavCalendar
    found: tuple[DavCalendar, ...]
    how: str  # a plain sentence: which one, and why

    def sentence(self) -> str:
        return self.how


@dataclass(frozen=True)
class _Node:
    url: str
    is_calendar: bool
    name: str
    components: frozenset[str] | None
    principal: str | None
    homes: tuple[str, ...]
    is_self: bool  # the response for the URL asked (not a child)


class Discoverer:
    def __init__(self, location: str, *, username: str | None, password: str | None,
                 verify: str | bool, timeout: float) -> None:
        self.location = location
        self.auth = (username, password) if username and password else None
        self.verify, self.timeout = verify, timeout
        self.http = requests.Session()

    def run(self, wanted: str | None) -> Discovery:
        try:
            return self._run(wanted)
        finally:
            self.http.close()

    def _run(self, wanted: str | None) -> Discovery:
        nodes = self._propfind_or_well_known(self.location)
        here = nodes[0] if nodes else None
        if here is not None and here.is_calendar and _holds_events(here):
            cal = _calendar(here)
            if wanted and not _named(cal, wanted):
                raise AdminError(f"{self.location} is the calendar {cal.name!r}, not "
                                 f"{wanted!r}; remove calendar_name or give the account's URL")
            return Discovery(cal, (cal,), f"{cal.url} is a calendar ({cal.name!r})")
        calendars = self._calendars_below(here)
        return _choose(self.location, calendars, wanted)

    def _calendars_below(self, here: _Node | None) -> list[DavCalendar]:
        if here is None:
            return []
        found = self._children(here.url)
        if found:
            return found
        homes = list(here.homes)
        if not homes and here.principal:
            try:
                principal = self._propfind(here.principal, depth=0)
            except _NotDav:
                principal = []
            homes = list(principal[0].homes) if principal else []
        out: list[DavCalendar] = []
        for home in homes:
            out += self._children(home)
        return out

    def _children(self, url: str) -> list[DavCalendar]:
        try:
            nodes = self._propfind(url, depth=1)
        except _NotDav:  # some servers refuse Depth 1 on a principal: try its home instead
            return []
        return [_calendar(n) for n in nodes if n.is_calendar and not n.is_self]

    def _propfind_or_well_known(self, url: str) -> list[_Node]:
        try:
            return self._propfind(url, depth=0)
        except _NotDav:
            parts = urlsplit(url)
            well_known = f"{parts.scheme}://{parts.netloc}/.well-known/caldav"
            if url.rstrip("/") == well_known:
                raise AdminError(f"{self.location} is not a CalDAV server (it does not answer "
                                 "PROPFIND); check source.calendar") from None
            try:
                return self._propfind(well_known, depth=0)
            except _NotDav:
                raise AdminError(f"{self.location} is not a CalDAV URL: the server refuses "
                                 f"PROPFIND there and at {well_known}; give the calendar's "
                                 "URL from the provider's settings") from None

    def _propfind(self, url: str, depth: int) -> list[_Node]:
        """The URL first, then (Depth 1) its children; redirects followed on one origin."""
        for _ in range(MAX_REDIRECTS + 1):
            resp = self._request(url, depth)
            if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                nxt = urljoin(url, resp.headers["Location"])
                if urlsplit(nxt)[:2] != urlsplit(url)[:2]:
                    raise AdminError(f"{url} redirects to another server ({nxt}); "
                                     "give that URL as source.calendar")
                url = nxt
                continue
            return self._nodes(url, resp)
        raise AdminError(f"{self.location} redirects more than {MAX_REDIRECTS} times")

    def _request(self, url: str, depth: int) -> requests.Response:
        body = ('<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:" '
                'xmlns:C="urn:ietf:params:xml:ns:caldav"><prop><resourcetype/><displayname/>'
                '<C:supported-calendar-component-set/><current-user-principal/>'
                '<C:calendar-home-set/></prop></propfind>')
        try:
            return self.http.request(
                "PROPFIND", url, data=body.encode(), auth=self.auth, verify=self.verify,
                timeout=self.timeout, allow_redirects=False,
                headers={"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"})
        except requests.exceptions.SSLError:
            raise AdminError("the CalDAV server's TLS certificate is not trusted; "
                             "set ca_bundle") from None
        except requests.RequestException as err:
            raise TransientError(f"the CalDAV server is unreachable ({type(err).__name__})") \
                from None

    def _nodes(self, url: str, resp: requests.Response) -> list[_Node]:
        status = resp.status_code
        if status == 401:
            raise AdminError("the CalDAV server refused the calendar credentials (HTTP 401)",
                             status=401)
        if status == 404:
            raise AdminError(f"{url} was not found (HTTP 404); check source.calendar", status=404)
        if status == 429 or status >= 500:
            raise TransientError(f"the CalDAV server is unavailable (HTTP {status})",
                                 status=status)
        if status != 207 or len(resp.content) > MAX_BODY:
            raise _NotDav(status)
        return _parse(url, resp.content)


class _NotDav(Exception):
    """The URL does not answer PROPFIND as WebDAV (405, 403, 400, an HTML page …)."""


def _parse(url: str, body: bytes) -> list[_Node]:
    try:
        root = ET.fromstring(body)  # noqa: S314 - expat refuses external entities and caps expansion
    except ET.ParseError:
        raise _NotDav(207) from None
    nodes = [_node(url, r) for r in root.iter(f"{DAV}response")]
    found = [n for n in nodes if n is not None]
    if len(found) == 1:  # Depth 0: whatever href the server uses for it, it is the URL
        found = [_Node(**{**found[0].__dict__, "is_self": True})]
    found.sort(key=lambda n: not n.is_self)  # the URL itself first
    return found


def _node(base: str, response: ET.Element) -> _Node | None:
    href = response.findtext(f"{DAV}href")
    if not href:
        return None
    props = [p for st in response.iter(f"{DAV}propstat")
             if (st.findtext(f"{DAV}status") or "").split(" ")[1:2] == ["200"]
             for p in st.iter(f"{DAV}prop")]
    def find(tag: str) -> ET.Element | None:
        return next((el for p in props for el in p.iter(tag)), None)
    kinds = find(f"{DAV}resourcetype")
    comp = find(f"{CAL}supported-calendar-component-set")
    principal = find(f"{DAV}current-user-principal")
    homes = find(f"{CAL}calendar-home-set")
    name = find(f"{DAV}displayname")
    principal_href = principal.findtext(f"{DAV}href") if principal is not None else None
    url = urljoin(base, href.strip())
    return _Node(
        url=url,
        is_calendar=kinds is not None and kinds.find(f"{CAL}calendar") is not None,
        name=(name.text or "").strip() if name is not None else "",
        components=frozenset(c.get("name", "").upper() for c in comp.iter(f"{CAL}comp"))
        if comp is not None else None,
        principal=urljoin(base, principal_href.strip()) if principal_href else None,
        homes=tuple(urljoin(base, h.text.strip()) for h in homes.iter(f"{DAV}href") if h.text)
        if homes is not None else (),
        is_self=_path(url) == _path(base))


def _path(url: str) -> str:
    return unquote(urlsplit(url).path).rstrip("/")


def _holds_events(node: _Node) -> bool:
    return node.components is None or not node.components or "VEVENT" in node.components


def _calendar(node: _Node) -> DavCalendar:
    leaf = _path(node.url).rsplit("/", 1)[-1]
    return DavCalendar(url=node.url, name=node.name or leaf, events=_holds_events(node))


def _named(cal: DavCalendar, wanted: str) -> bool:
    want = wanted.strip().casefold()
    return want in (cal.name.casefold(), _path(cal.url).rsplit("/", 1)[-1].casefold())


def _choose(location: str, calendars: list[DavCalendar], wanted: str | None) -> Discovery:
    events = [c for c in calendars if c.events]
    if not events:
        other = f" (only {', '.join(repr(c.name) for c in calendars)}, without events)" \
            if calendars else ""
        raise AdminError(f"{location} leads to no calendar{other}: it is not a calendar, and "
                         "neither it nor its principal's calendar home holds one; give the "
                         "calendar's URL or the account's principal URL")
    names = ", ".join(repr(c.name) for c in events)
    if wanted:
        match = next((c for c in events if _named(c, wanted)), None)
        if match is None:
            raise AdminError(f"{location} has no calendar named {wanted!r}; it has {names}")
        return Discovery(match, tuple(events), f"{match.name!r} ({match.url}) as configured "
                                               f"(calendar_name), of {names}")
    default = next((c for c in events if _path(c.url).rsplit("/", 1)[-1].casefold()
                    in DEFAULT_NAMES or c.name.casefold() in DEFAULT_NAMES), events[0])
    how = f"{default.name!r} ({default.url})"
    if len(events) > 1:
        how += f", the default of {len(events)} calendars ({names}); set calendar_name to choose"
    return Discovery(default, tuple(events), how)


def discover(location: str, *, username: str | None, password: str | None, verify: str | bool,
             timeout: float, wanted: str | None) -> Discovery:
    return Discoverer(location, username=username, password=password, verify=verify,
                      timeout=timeout).run(wanted)
