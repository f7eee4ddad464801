"""Time-zone names as real calendars write them → IANA zones.

Exchange and Outlook write Windows zone ids ("China Standard Time") and, in some
exports and older servers, the zone's *display name* ("(UTC+08:00) Beijing,
Chongqing, Hong Kong, Urumqi"), often without a VTIMEZONE. Reading such a time in
the rep's own zone shifts a New York rep's Beijing meeting by 12 hours, so every
form is resolved here, and a name we cannot resolve is reported, never guessed.

Display names resolve in three steps: the explicit table below (names whose cities
are no IANA city, after CLDR windowsZones and Windows' own display names); else a
listed city that is an IANA city ("Kolkata" → Asia/Kolkata) whose standard offset
matches the name's "(UTC±hh:mm)"; else a fixed zone at that offset, which is right
all year outside daylight saving and never off by more than the DST hour.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from zoneinfo import ZoneInfo

# Windows zone name (Graph ``timeZone``, Exchange TZID) → IANA, after CLDR windowsZones.xml
# (territory "001" entries). icalendar's own copy is consulted for names not listed here.
WINDOWS_ZONES: dict[str, str] = {
    "UTC": "Etc/UTC", "Coordinated Universal Time": "Etc/UTC", "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik", "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest", "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw", "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kiev", "GTB Standard Time": "Europe/Bucharest",
    "Russian Standard Time": "Europe/Moscow", "Turkey Standard Time": "Europe/Istanbul",
    "Israel Standard Time": "Asia/Jerusalem", "South Africa Standard Time": "Africa/Johannesburg",
    "Egypt Standard Time": "Africa/Cairo", "Arabian Standard Time": "Asia/Dubai",
    "Arab Standard Time": "Asia/Riyadh", "Iran Standard Time": "Asia/Tehran",
    "Pakistan Standard Time": "Asia/Karachi", "India Standard Time": "Asia/Kolkata",
    "Nepal Standard Time": "Asia/Katmandu", "Bangladesh Standard Time": "Asia/Dhaka",
    "SE Asia Standard Time": "Asia/Bangkok", "China Standard Time": "Asia/Shanghai",
    "Taipei Standard Time": "Asia/Taipei", "Singapore Standard Time": "Asia/Singapore",
    "W. Australia Standard Time": "Australia/Perth", "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul", "Cen. Australia Standard Time": "Australia/Adelaide",
    "AUS Central Standard Time": "Australia/Darwin", "AUS Eastern Standard Time": "Australia/Sydney",
    "E. Australia Standard Time": "Australia/Brisbane", "New Zealand Standard Time": "Pacific/Auckland",
    "Hawaiian Standard Time": "Pacific/Honolulu", "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles", "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time": "America/Denver", "Central Standard Time": "America/Chicago",
    "Eastern Standard Time": "America/New_York", "Atlantic Standard Time": "America/Halifax",
    "Canada Central Standard Time": "America/Regina", "Mexico Standard Time": "America/Mexico_City",
    "Central Standard Time (Mexico)": "America/Mexico_City", "SA Pacific Standard Time": "America/Bogota",
    "E. South America Standard Time": "America/Sao_Paulo", "Argentina Standard Time": "America/Buenos_Aires",
    "Newfoundland Standard Time": "America/St_Johns", "Malay Peninsula Standard Time": "Asia/Kuala_Lumpur",
    "Vietnam Standard Time": "Asia/Ho_Chi_Minh", "Philippines Standard Time": "Asia/Manila",
}

# Display names whose cities do not name the IANA zone (lower-cased, text after "(UTC…) ").
DISPLAY_NAMES: dict[str, str] = {
    "beijing, chongqing, hong kong, urumqi": "Asia/Shanghai",
    "eastern time (us & canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "pacific time (us & canada)": "America/Los_Angeles",
    "atlantic time (canada)": "America/Halifax",
    "arizona": "America/Phoenix", "hawaii": "Pacific/Honolulu", "alaska": "America/Anchorage",
    "saskatchewan": "America/Regina", "indiana (east)": "America/Indiana/Indianapolis",
    "newfoundland": "America/St_Johns", "brasilia": "America/Sao_Paulo",
    "greenland": "America/Nuuk", "baja california": "America/Tijuana",
    "central america": "America/Guatemala", "coordinated universal time": "Etc/UTC",
    "dublin, edinburgh, lisbon, london": "Europe/London", "edinburgh, london": "Europe/London",
    "monrovia, reykjavik": "Atlantic/Reykjavik", "west central africa": "Africa/Lagos",
    "e. europe": "Europe/Chisinau", "harare, pretoria": "Africa/Johannesburg",
    "kuwait, riyadh": "Asia/Riyadh", "abu dhabi, muscat": "Asia/Dubai",
    "islamabad, karachi": "Asia/Karachi", "chennai, kolkata, mumbai, new delhi": "Asia/Kolkata",
    "astana": "Asia/Almaty", "yangon (rangoon)": "Asia/Yangon",
    "bangkok, hanoi, jakarta": "Asia/Bangkok", "osaka, sapporo, tokyo": "Asia/Tokyo",
    "canberra, melbourne, sydney": "Australia/Sydney", "guam, port moresby": "Pacific/Port_Moresby",
    "solomon is., new caledonia": "Pacific/Guadalcanal", "auckland, wellington": "Pacific/Auckland",
    "international date line west": "Etc/GMT+12", "mid-atlantic": "Etc/GMT+2",
    "cape verde is.": "Atlantic/Cape_Verde", "nuku'alofa": "Pacific/Tongatapu",
    "moscow, st. petersburg": "Europe/Moscow", "moscow, st. petersburg, volgograd": "Europe/Moscow",
    "helsinki, kyiv, riga, sofia, tallinn, vilnius": "Europe/Helsinki",
    "amsterdam, berlin, bern, rome, stockholm, vienna": "Europe/Berlin",
    "belgrade, bratislava, budapest, ljubljana, prague": "Europe/Budapest",
    "brussels, copenhagen, madrid, paris": "Europe/Paris",
    "sarajevo, skopje, warsaw, zagreb": "Europe/Warsaw",
}

_DISPLAY = re.compile(r"^\(\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\s*\)\s*(.*)$",
                      re.IGNORECASE)


def windows_zone_to_iana(name: str) -> str | None:
    """The IANA zone for a Windows zone name, an IANA name passed through, else None."""
    name = name.strip().strip('"')
    found = WINDOWS_ZONES.get(name)
    if found is None:
        try:
            from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
            found = WINDOWS_TO_OLSON.get(name)
        except ImportError:  # pragma: no cover - older icalendar
            found = None
    if found is None and "/" in name and _is_zone(name):
        found = name
    return found


def resolve_tzid(name: str) -> dt.tzinfo | None:
    """A zone for any TZID form (Windows id, IANA name, Windows display name), else None."""
    iana = windows_zone_to_iana(name)
    if iana is not None:
        return ZoneInfo(iana)
    return _display_zone(name.strip().strip('"'))


def _display_zone(name: str) -> dt.tzinfo | None:
    match = _DISPLAY.match(name)
    if match is None:
        return None
    sign, hours, minutes, cities = match.groups()
    offset = dt.timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    offset = -offset if sign == "-" else offset
    if offset >= dt.timedelta(hours=15) or offset <= dt.timedelta(hours=-15):
        return None
    known = DISPLAY_NAMES.get(cities.strip().lower())
    if known is not None:
        return ZoneInfo(known)
    for city in re.split(r"\s*,\s*", cities.strip()):
        iana = _city_zones().get(city.lower().replace(" ", "_"))
        if iana is not None and _standard_offset_is(ZoneInfo(iana), offset):
            return ZoneInfo(iana)
    return dt.timezone(offset, f"UTC{match.group(1) or '+'}{int(hours or 0):02d}:"
                               f"{int(minutes or 0):02d}")


@functools.cache
def _city_zones() -> dict[str, str]:
    """Lower-cased last component of every IANA zone ("hong_kong") → the zone."""
    out: dict[str, str] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            out.setdefault(zone.rsplit("/", 1)[1].lower(), zone)
    return out


def _standard_offset_is(zone: dt.tzinfo, offset: dt.timedelta) -> bool:
    year = dt.datetime.now(dt.UTC).year
    seen = {dt.datetime(year, month, 15, 12, tzinfo=zone).utcoffset() for month in (1, 7)}
    return offset in seen


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True
