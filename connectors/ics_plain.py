"""A lone VEVENT read into the same icalendar component ``Component.from_ical`` builds,
without icalendar's character-by-character content-line splitting.

icalendar spends most of a plain event's parse (about 0.7 ms) in ``Contentline.raw_parts``,
which walks every character of every line to find the name, the parameters and the
value, and in parsing the same parameter text ("CN=Colleague 3;PARTSTAT=TENTATIVE",
"TZID=China Standard Time") over and over. Here a line is split by a pattern only when
its form leaves no doubt where ``raw_parts`` would split it:

* the name is an upper-case token (letters, digits, "-"), so icalendar's name clean-up
  (strip, drop blanks, upper-case) leaves it as it is;
* the parameter text holds no backslash and no ":" outside double quotes, its quotes
  pair up, and it is more than a lone ";";
* no line carries a stray carriage return.

Everything after the split is icalendar's own code, called in the order
``ComponentIcalParser`` calls it: the parameter text goes through
``_strip_ows_around_delimiters``, ``_escape_string``, ``Parameters.from_ical`` and the
unescaping (cached per parameter text, a fresh copy per property), the value through
``unescape_backslash``, the value type's ``from_ical`` (with the TZID for the date-time
names) and ``Component.add``. A line in any other form, a value type that reads its
own content line (``get_value_from_content_line``), CATEGORIES, FREEBUSY, RDATE, a block
that is no VEVENT, any component inside but VALARM, and any error at all hand the
whole block back to ``Component.from_ical``, which then reads it (and reports it) as
before.

It is used for the VEVENTs ``ics_scan.load`` reads alone (no recurrence, unique UID);
the splitting rules depend on icalendar's parser, so it is on only for the icalendar
versions it was checked against (``SUPPORTED``): tests/hostile/test_ics_plain.py holds
its components equal to ``Component.from_ical``'s and the events equal to the
whole-file reading.
"""

from __future__ import annotations

import re
from typing import Any

import icalendar

try:
    from icalendar.parser.content_line import _strip_ows_around_delimiters
    from icalendar.parser.ical.component import ComponentIcalParser
    from icalendar.parser.parameter import Parameters
    from icalendar.parser.property import unescape_backslash, unescape_list_or_string
    from icalendar.parser.string import _escape_string, _unescape_string
except ImportError:  # pragma: no cover - another icalendar layout: always parse in full
    ENABLED = False
else:
    SUPPORTED = ("7.3.",)
    ENABLED = icalendar.__version__.startswith(SUPPORTED)

_LINE = re.compile(r'([A-Z0-9-]+)((?:;(?:[^":\\\r\n]|"[^"\r\n]*")+)?):([^\r\n]*)')
_NEWLINE = re.compile(r"\r?\n")
_SPECIAL = frozenset({"BEGIN", "END", "CATEGORIES", "FREEBUSY", "RDATE"})
_TOP = frozenset({"VEVENT"})  # not VTIMEZONE: icalendar caches those as it reads them
_NESTED = frozenset({"VALARM"})
_DATETIME_NAMES = frozenset(ComponentIcalParser.datetime_names) if ENABLED else frozenset()


class _NotPlain(Exception):
    """The block is not in a form this reader is sure of: icalendar reads it."""


class PlainReader:
    """Reads blocks of one file; holds the parsed parameter texts and value types."""

    def __init__(self) -> None:
        self._params: dict[str, Any] = {}
        self._types: dict[tuple[str, object], Any] = {}
        self._components = icalendar.Component._get_component_factory()
        self._factory = icalendar.Component.types_factory

    def read(self, block: str) -> icalendar.Component | None:
        """The component ``Component.from_ical(block)`` returns, or None when the block
        is not plain enough to be read here."""
        if not ENABLED:
            return None
        try:
            return self._read(block)
        except Exception:  # noqa: BLE001 - anything unexpected: icalendar reads it in full
            return None

    def _read(self, block: str) -> icalendar.Component:
        if "\n " in block or "\n\t" in block:  # icalendar would unfold it first
            raise _NotPlain
        stack: list[icalendar.Component] = []
        done: list[icalendar.Component] = []
        for line in _NEWLINE.split(block):
            if not line:
                continue
            match = _LINE.fullmatch(line)
            if match is None:
                raise _NotPlain
            name, raw_params, value = match.groups()
            if name == "BEGIN":
                if raw_params or value not in (_NESTED if stack else _TOP) or done:
                    raise _NotPlain
                component = self._components.get_component_class(value)()
                if not getattr(component, "name", ""):
                    raise _NotPlain
                stack.append(component)
            elif name == "END":
                if raw_params or not stack or stack[-1].name != value:
                    raise _NotPlain
                component = stack.pop()
                if stack:
                    stack[-1].add_component(component)
                else:
                    done.append(component)
            elif name in _SPECIAL or not stack:
                raise _NotPlain
            else:
                self._add(stack[-1], name, raw_params[1:], value)
        if stack or len(done) != 1:
            raise _NotPlain
        return done[0]

    def _add(self, component: icalendar.Component, name: str, raw_params: str,
             value: str) -> None:
        if raw_params:
            cached = self._params.get(raw_params)
            if cached is None:
                cached = self._params[raw_params] = _parameters(raw_params)
            params = Parameters((key, list(item) if isinstance(item, list) else item)
                                for key, item in cached.items())
        else:
            params = Parameters()
        key = (name, params.value)
        factory: Any = self._types.get(key)
        if factory is None:
            factory = self._types[key] = self._factory.for_property(name, params.value)
            if getattr(factory, "get_value_from_content_line", None) is not None:
                self._types[key] = False  # a type that reads its own content line
                raise _NotPlain
        if factory is False:
            raise _NotPlain
        # unescape_backslash replaces backslash sequences only: without one it is the text
        vals = unescape_backslash(value) if "\\" in value else value
        tzid = params.get("TZID") if params and name in _DATETIME_NAMES else None
        parsed = factory.from_ical(vals, tzid) if tzid else factory.from_ical(vals)
        instance = factory(parsed)
        instance.params = params
        component.add(name, instance, encode=False)


def _parameters(raw: str) -> Any:
    """``Contentline.raw_parts``' reading of a parameter text (not strict)."""
    text = _escape_string(_strip_ows_around_delimiters(raw))
    found = Parameters.from_ical(text, strict=False)
    return Parameters((_unescape_string(key), unescape_list_or_string(value))
                      for key, value in iter(found.items()))
