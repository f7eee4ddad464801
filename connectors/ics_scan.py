"""Reading a large iCalendar file without parsing what the sync window cannot show.

icalendar parses a whole file into objects, about a millisecond per event; an export
holding 50,000 meetings over several years then costs a minute, although the sync
window (three months back, two ahead) shows a few thousand of them. Here the file is
cut into its components with a line scan, the VTIMEZONEs are parsed first (icalendar
caches them, so every reference resolves as in a whole-file parse, forward references
included), and each VEVENT is parsed on its own (one broken event is reported, the
others are read) unless its text proves it lies outside the window:

* no RRULE, RDATE, EXRULE or RECURRENCE-ID line and no component inside it but VALARMs;
* exactly one UID (written plainly), which no other VEVENT of the file shares, so
  skipping it cannot change how the others group into series;
* exactly one DTSTART, at most one DTEND and one DURATION, all in their plain forms
  (``20260302``, ``20260302T100000``, ``20260302T020000Z``, any parameters);
* the start, read as UTC wall time, more than ``MARGIN`` after the window's end, or
  the latest of start, end, start + duration and start + one day more than ``MARGIN``
  before the window's start. A zone's offset from UTC is under a day (Python refuses
  more), so no zone, date form or floating reading can bring such an event into the
  window.

An event that stays, lone and without recurrence, loses before parsing the text-valued
lines ics.py never reads (``_unread_removed``: X-ALT-DESC and the like) and is read by
``ics_plain.PlainReader`` (icalendar's own value parsing without its per-character line
splitting) when its lines are in plain forms.

Anything else — odd lines icalendar reads differently than they look, names with
spaces or non-ASCII letters (icalendar folds case and drops blanks in names), BEGIN or
END lines the scan cannot pair, VEVENTs nested in other components — is not guessed
at: the block is parsed, or ``split`` returns None and the caller parses the whole
file as before. tests/hostile/test_ics_prefilter.py holds the fast reading equal to
the whole-file one on every calendar fixture and on generated calendars.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import icalendar
from dealnudge.connectors import ics_plain
from icalendar.parser_tools import to_unicode

try:  # how icalendar reads TEXT escapes ("\\,", "\\n") in a UID
    from icalendar.parser import unescape_backslash
except ImportError:  # pragma: no cover - icalendar 6: escaped UIDs are not skipped
    unescape_backslash = None  # type: ignore[assignment]

MARGIN = dt.timedelta(days=2)
MAX_DEPTH = 32  # components nested deeper are left to the whole-file parse

# The scan works on the unfolded text with a "\n" put in front, so every line starts
# after a "\n" and each pattern starts with that literal (regex engines skip ahead to it).
_A = re.IGNORECASE | re.ASCII
_FOLD = re.compile(r"\n[ \t]")
# A line whose name (the text before the first ";" or ":") is not a plain token: icalendar
# strips and upper-cases names and drops blanks inside them, so such a line may be
# something else than it looks ("B EGIN:VEVENT" is a BEGIN to icalendar).
_ODD_NAME = re.compile(r"\n[A-Za-z0-9-]*(?:[^A-Za-z0-9\-;:\r\n]|\r(?!\n))[^;:\n]*")
_ANY_BEGIN_END = re.compile(r"\n(?:BEGIN|END)[;:]", _A)
_BEGIN_END = re.compile(r"\n(BEGIN|END):([A-Za-z0-9-]+)\r?(?=\n|\Z)", _A)
_PROPERTY = re.compile(r"\n(DTSTART|DTEND|DURATION|UID|RRULE|RDATE|EXRULE|RECURRENCE-ID)[;:]", _A)
_RECURRENCE = frozenset({"RRULE", "RDATE", "EXRULE", "RECURRENCE-ID"})
_NAMES = {n: n for n in ("DTSTART", "DTEND", "DURATION", "UID", *_RECURRENCE)}
_PARAM_ITEM = r'[A-Za-z0-9-]+=(?:"[^"\r\n]*"|[^";:,\r\n]*)(?:,(?:"[^"\r\n]*"|[^";:,\r\n]*))*'
_PARAM = rf"(?:;{_PARAM_ITEM})"
_TIME = re.compile(rf"\n(?:DTSTART|DTEND){_PARAM}*:(\d{{4}})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)Z?)?"
                   r"\r?(?=\n|\Z)", _A)
_DURATION = re.compile(r"\nDURATION:([+-]?)P(?:(\d{1,6})W|(?:(\d{1,6})D)?"
                       r"(?:T(?:(\d{1,8})H)?(?:(\d{1,10})M)?(?:(\d{1,12})S)?)?)\r?(?=\n|\Z)", _A)
_UNREAD = re.compile(rf"\n(?:X-[A-Za-z0-9-]*|CLASS|TRANSP|COMMENT)(?:;(?!VALUE=){_PARAM_ITEM})*"
                     r":[^\n]*", _A)
_UID = re.compile(r"\nUID:([^\r\n]*)\r?(?=\n|\Z)", _A)
_LABEL = re.compile(r"^(?:UID|TZID)[;:][^\r\n]*", _A | re.MULTILINE)
_NO_KEY = ""  # a UID the scan could not read: it may equal any other
_NO_UID = "\0"  # no UID line
DERIVED_UID = "@dealnudge.invalid"  # ends the UID ics.py derives for an event without one
# Names that decide whether and when an event occurs, or how events group into series.
_DECISIVE = frozenset({"UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXRULE",
                       "RECURRENCE-ID", "BEGIN", "END"})


def unfold(text: str) -> str:
    """icalendar's unfolding (``icalendar.parser.content_line.UFOLD``): every run of
    line breaks followed by a space or tab is removed. Its pattern starts with look-
    behinds and is tried at every character (3 s for 25 MB); this finds each
    "\n" + blank first and walks back over the run of ``\r?\n`` before it."""
    if "\n " not in text and "\n\t" not in text:
        return text
    pieces: list[str] = []
    last = 0
    for match in _FOLD.finditer(text):
        at = match.start()
        if at < last:
            continue
        begin = at - 1 if at - 1 >= last and text[at - 1] == "\r" else at
        while begin - 1 >= last and text[begin - 1] == "\n":
            begin -= 1
            if begin - 1 >= last and text[begin - 1] == "\r":
                begin -= 1
        pieces.append(text[last:begin])
        last = at + 2
    pieces.append(text[last:])
    return "".join(pieces)


@dataclass
class Block:
    """One top-level component of a VCALENDAR: ``text[start:end]`` of its ``Scan``."""

    name: str  # upper-case component name
    start: int  # its BEGIN line (after the "\n")
    end: int  # after its END line's "\n"
    odd_names: frozenset[str] = frozenset()  # names icalendar reads from its odd lines
    children: tuple[tuple[str, int, int], ...] = ()  # direct subcomponents: name, start, end
    deep: tuple[str, ...] = ()  # names of the components nested deeper
    # Where its own DTSTART, DTEND, DURATION, UID and recurrence lines are (the "\n"
    # before each); such a line inside a VALARM counts as RRULE (the scan is not sure).
    properties: dict[str, list[int]] = field(default_factory=dict)
    uid: str = _NO_KEY  # for VEVENTs: see uid_key

    def plain(self) -> bool:
        """Only VALARMs inside, and no odd line that could be a property that matters."""
        return not (self.odd_names & _DECISIVE or self.deep
                    or any(c[0] != "VALARM" for c in self.children))


@dataclass
class ScannedCalendar:
    header: str = ""  # the VCALENDAR's own property lines
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Scan:
    text: str  # "\n" + the unfolded file
    calendars: list[ScannedCalendar]

    def block(self, block: Block) -> str:
        return self.text[block.start:block.end]


def split(data: bytes) -> Scan | None:
    """The VCALENDARs of ``data`` and their top-level components, read as icalendar
    reads lines; None when the structure is anything but plain (the caller then parses
    the whole file)."""
    text = unfold(to_unicode(data))
    if _FOLD.search(text):  # unfolding twice would change it: not a plain file
        return None
    text = "\n" + text
    odd: list[tuple[int, str]] = []
    for match in _ODD_NAME.finditer(text):
        name = _icalendar_name(match.group(0)[1:])
        if name in ("BEGIN", "END"):
            return None
        odd.append((match.start() + 1, name))
    lines = list(_BEGIN_END.finditer(text))
    if [m.start() for m in _ANY_BEGIN_END.finditer(text)] != [m.start() for m in lines]:
        return None  # a BEGIN/END line with parameters or an odd value
    found = [(m.start(), m.group(1)) for m in _PROPERTY.finditer(text)]
    next_found = 0
    calendars: list[ScannedCalendar] = []
    stack: list[tuple[str, int]] = []
    current = ScannedCalendar()
    children: list[tuple[str, int, int]] = []
    deep: list[str] = []
    header_from = next_odd = 0
    for match in lines:
        kind, name = match.group(1, 2)
        name = name.upper()
        begin, line_end = match.start() + 1, match.end() + 1
        if kind.upper() == "BEGIN":
            if not stack:
                if name != "VCALENDAR":
                    return None
                current = ScannedCalendar()
                header_from = line_end
            elif len(stack) == 1:
                current.header += text[header_from:begin]
                children, deep = [], []
            elif len(stack) > 2:
                deep.append(name)
            stack.append((name, begin))
            if len(stack) > MAX_DEPTH:
                return None
            continue
        if not stack or stack[-1][0] != name:
            return None  # icalendar closes whatever is open: not a plain file
        _, opened = stack.pop()
        if len(stack) == 2:
            children.append((name, opened, line_end))
        elif len(stack) == 1:
            while next_odd < len(odd) and odd[next_odd][0] < opened:
                next_odd += 1
            names = set()
            while next_odd < len(odd) and odd[next_odd][0] < line_end:
                names.add(odd[next_odd][1])
                next_odd += 1
            while next_found < len(found) and found[next_found][0] < opened:
                next_found += 1
            properties: dict[str, list[int]] = {}
            child = 0  # children are in file order: walk them along with the lines
            while next_found < len(found) and found[next_found][0] < line_end:
                at, prop = found[next_found]
                prop = _NAMES.get(prop) or prop.upper()
                while child < len(children) and children[child][2] <= at + 1:
                    child += 1
                if child < len(children) and children[child][1] <= at + 1:
                    prop = "RRULE" if prop in _RECURRENCE else ""
                properties.setdefault(prop, []).append(at)
                next_found += 1
            current.blocks.append(Block(name, opened, line_end, frozenset(names),
                                        tuple(children), tuple(deep), properties))
            header_from = line_end
        elif not stack:
            current.header += text[header_from:begin]
            calendars.append(current)
    if stack:
        return None
    return Scan(text, calendars)


def _icalendar_name(line: str) -> str:
    """The property name icalendar reads from a content line (Contentline.raw_parts):
    up to the first ";" or ":", stripped, blanks removed, upper-cased. Where a quote
    or backslash comes first icalendar's name holds it and is refused as no token."""
    cut = len(line)
    for sep in ";:":
        found = line.find(sep)
        if found != -1:
            cut = min(cut, found)
    return re.sub(r"[ \t]+", "", line[:cut].strip()).upper()


def uid_key(scan: Scan, block: Block) -> str:
    """The UID icalendar will read from a VEVENT block; ``_NO_UID`` when it has none
    (ics.py then derives one from a hash of the event, which no written UID equals);
    ``_NO_KEY`` when the scan cannot be sure of it."""
    if not block.plain():
        return _NO_KEY
    found = block.properties.get("UID", [])
    if not found and "UID" not in block.odd_names:
        return _NO_UID
    plain = _UID.match(scan.text, found[0], block.end) if len(found) == 1 else None
    if plain is None:  # two UIDs, or one with parameters
        return _NO_KEY
    value = plain.group(1)
    if "\\" in value:
        if unescape_backslash is None:
            return _NO_KEY
        value = unescape_backslash(value)
    value = value.strip()
    if not value:
        return _NO_UID
    return _NO_KEY if value.endswith(DERIVED_UID) else value


def outside(scan: Scan, block: Block, window: tuple[dt.datetime, dt.datetime]) -> bool:
    """True only when the VEVENT block certainly yields no occurrence in ``window``."""
    seen = block.properties
    if not block.plain() or not _RECURRENCE.isdisjoint(seen):
        return False
    starts, ends = seen.get("DTSTART", []), seen.get("DTEND", [])
    durations = seen.get("DURATION", [])
    if len(starts) != 1 or len(ends) > 1 or len(durations) > 1:
        return False
    try:
        start = _utc_wall(scan.text, starts[0], block.end)
        if start is None:
            return False
        if start > window[1] + MARGIN:
            return True
        latest = start + dt.timedelta(days=1)
        if ends:
            end = _utc_wall(scan.text, ends[0], block.end)
            if end is None:
                return False
            latest = max(latest, end)
        if durations:
            duration = _duration(scan.text, durations[0], block.end)
            if duration is None:
                return False
            latest = max(latest, start + duration)
        return latest < window[0] - MARGIN
    except (OverflowError, ValueError):  # no real date, or one at the ends of time: parse it
        return False


def _utc_wall(text: str, at: int, end: int) -> dt.datetime | None:
    match = _TIME.match(text, at, end)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def _duration(text: str, at: int, end: int) -> dt.timedelta | None:
    match = _DURATION.match(text, at, end)
    if match is None:
        return None
    sign, weeks, days, hours, minutes, seconds = match.groups()
    span = dt.timedelta(weeks=int(weeks or 0), days=int(days or 0), hours=int(hours or 0),
                        minutes=int(minutes or 0), seconds=int(seconds or 0))
    return -span if sign == "-" else span


def shared_uids(scan: Scan) -> tuple[Counter[str], bool]:
    """How many VEVENT blocks of the file carry each UID (set on each block), and
    whether some UID could not be read (then any two events might be one series)."""
    keys: Counter[str] = Counter()
    for calendar in scan.calendars:
        for block in calendar.blocks:
            if block.name == "VEVENT":
                block.uid = uid_key(scan, block)
                keys[block.uid] += 1
    return keys, keys[_NO_KEY] > 0


def describe(block: str) -> str:
    """"VEVENT UID:…" for a problem message (as ics_bounds.load_per_component says it)."""
    kind = block.split(":", 1)[1].split("\n", 1)[0].strip().upper() if ":" in block else ""
    label = _LABEL.search(block)
    return f"{kind or 'component'} {label.group(0)[:120] if label else ''}".strip()


@dataclass
class LoadedCalendar:
    """One VCALENDAR read for expansion: its METHOD, zones and VEVENTs in file order."""

    method: str
    zones: list[icalendar.Component]
    events: list[icalendar.Component]
    skipped: int = 0  # VEVENTs set aside as outside the window without parsing


def load(data: bytes, window: tuple[dt.datetime, dt.datetime],
         problems: list[str]) -> list[LoadedCalendar] | None:
    """Every VCALENDAR with its zones and the VEVENTs the window may show, parsed block
    by block; None when the file is not plain enough to be split (parse it whole)."""
    scan = split(data)
    if scan is None:
        return None
    if any("VEVENT" in b.deep or any(c[0] == "VEVENT" for c in b.children)
           for c in scan.calendars for b in c.blocks):
        return None  # a VEVENT inside another component: leave the walk to icalendar
    keys, unsure = shared_uids(scan)
    # Every zone first: icalendar caches them, and the events refer to them.
    zones = [[z for b in calendar.blocks if b.name == "VTIMEZONE"
              for z in _parse(scan.block(b), problems)] for calendar in scan.calendars]
    loaded: list[LoadedCalendar] = []
    reader = ics_plain.PlainReader()
    for calendar, own_zones in zip(scan.calendars, zones, strict=True):
        events: list[icalendar.Component] = []
        skipped = 0
        for block in calendar.blocks:
            if block.name != "VEVENT":
                continue
            single = not unsure and block.uid != _NO_UID and keys[block.uid] == 1 \
                and block.plain() and _RECURRENCE.isdisjoint(block.properties)
            if single and outside(scan, block, window):
                skipped += 1
                continue
            if single:
                text = _unread_removed(scan, block)
                event = reader.read(text)
                events.extend([event] if event is not None else _parse(text, problems))
            else:
                events.extend(_parse(scan.block(block), problems))
        loaded.append(LoadedCalendar(_method(calendar.header), own_zones, events, skipped))
    return loaded


def _unread_removed(scan: Scan, block: Block) -> str:
    """The text of a lone, non-recurring VEVENT without its text-valued properties that
    ics.py never reads (Outlook's X-ALT-DESC HTML copy of the description alone can
    take icalendar several milliseconds per event, character by character).

    Only the event's own lines go (not its VALARMs'), and only lines icalendar cannot
    fail on: icalendar records the errors of a VEVENT's lines instead of raising, and
    text values (``X-`` names without ``VALUE=``, CLASS, TRANSP, COMMENT) parse
    whatever they hold. Such an event is read from a few properties (``_record`` in
    ics.py); a series is expanded from its whole text, so it keeps every line.
    """
    text = scan.text
    pieces: list[str] = []
    last = block.start
    for match in _UNREAD.finditer(text, block.start - 1, block.end):
        at = match.start()
        if any(start <= at + 1 < end for _, start, end in block.children):
            continue
        pieces.append(text[last:at + 1])
        last = match.end() + 1
    if not pieces:
        return text[block.start:block.end]
    pieces.append(text[last:block.end])
    return "".join(pieces)


def _parse(block: str, problems: list[str]) -> list[icalendar.Component]:
    try:
        return [icalendar.Component.from_ical(block)]
    except Exception as err:  # noqa: BLE001 - one broken component, the rest are read
        problems.append(f"{describe(block)}: unreadable ({type(err).__name__}: {err})")
        return []


def _method(header: str) -> str:
    try:
        calendar = icalendar.Calendar.from_ical("BEGIN:VCALENDAR\r\n" + header
                                                + "END:VCALENDAR\r\n")
    except Exception:  # noqa: BLE001 - a broken calendar header: its components still count
        return ""
    return str(calendar.get("METHOD", ""))
