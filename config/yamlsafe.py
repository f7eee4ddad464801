"""Reading the admin's YAML without letting a hostile or mistaken file hurt the service.

PyYAML's safe loader refuses Python objects, but it still lets a file do harm:

* an alias bomb ("billion laughs": nine anchors each listing the previous one nine
  times) composes instantly but expands to 10⁹ values in every walk over the data;
* 20,000 nested ``[`` make its recursive composer hit Python's recursion limit;
* ``/dev/zero`` or a 5 MB file is read whole before anything is checked;
* YAML 1.1 reads an unquoted ``25:00`` as the sexagesimal integer 1500 and ``8:30:00``
  as 30600, so a time silently becomes another time.

So the file is read only if it is a regular file below ``MAX_BYTES``; its event stream
(PyYAML's parser is iterative, not recursive) is scanned first for depth, tags,
non-scalar keys and the expanded size of aliases, each refusal naming the line; and the
loader resolves no sexagesimal numbers, so ``25:00`` stays the text the admin wrote.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

MAX_BYTES = 1024 * 1024  # a team of thousands of reps fits in a tenth of this
MAX_DEPTH = 64  # the schema nests five levels; anchors and flow lists add a few
MAX_VALUES = 200_000  # scalars and collections after expanding every alias

_STANDARD_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in (
    "str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge"))


class YamlRefused(Exception):
    """The file cannot be read safely; ``line`` is 1-based (1 when no line applies)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_config_text(path: Path, *, limit: int = MAX_BYTES) -> str:
    """The file's text, refusing anything that is not a regular file of sane size."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise YamlRefused(1, "this is a folder, not a config file")
        if not stat.S_ISREG(info.st_mode):
            raise YamlRefused(1, "this is not a regular file (a device, pipe or socket); "
                                 "give the path of a YAML file")
        if info.st_size > limit:
            raise YamlRefused(1, f"the file is {info.st_size:,} bytes; a config file may be "
                                 f"at most {limit:,} bytes")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise YamlRefused(1, f"the file is larger than {limit:,} bytes, the limit for a config file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise YamlRefused(line, "the file is not UTF-8 text") from None


# --- a loader without YAML 1.1 sexagesimal numbers ----------------------------------

_INT = re.compile(r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+)$""", re.X)
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)


class ConfigLoader(yaml.SafeLoader):
    """SafeLoader whose ints and floats are YAML 1.1's minus the base-60 forms."""


ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ConfigLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
ConfigLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


# --- the event scan -----------------------------------------------------------------

@dataclass
class _Open:
    """A collection being scanned: its expanded size so far and, for maps, key/value turn."""

    mapping: bool
    anchor: str | None
    size: int = 1
    at_key: bool = True


@dataclass
class _Scan:
    anchors: dict[str, int] = field(default_factory=dict)
    stack: list[_Open] = field(default_factory=list)
    total: int = 0

    def add(self, size: int, line: int) -> None:
        self.total += size
        if self.total > MAX_VALUES:
            raise YamlRefused(line, f"the file expands to more than {MAX_VALUES:,} values "
                                    "(aliases repeating aliases); write the values out instead")
        if self.stack:
            parent = self.stack[-1]
            parent.size += size
            if parent.mapping:
                parent.at_key = not parent.at_key


def scan(text: str) -> None:
    """Refuse deep nesting, unknown tags, non-scalar keys and alias bombs, with the line."""
    state = _Scan()
    try:
        for event in yaml.parse(text, Loader=ConfigLoader):
            _step(state, event)
    except yaml.YAMLError:
        return  # a syntax error: compose() reports it with its own line and reason


def _step(state: _Scan, event: yaml.Event) -> None:
    line = event.start_mark.line + 1 if event.start_mark else 1
    tag = getattr(event, "tag", None)
    if tag and tag not in _STANDARD_TAGS and tag != "!":
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlRefused(line, f"the tag {shown} is not allowed in a config file "
                                "(only plain values, lists and mappings)")
    if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        _no_complex_key(state, line)
        if len(state.stack) >= MAX_DEPTH:
            raise YamlRefused(line, f"the values nest more than {MAX_DEPTH} levels deep")
        state.stack.append(_Open(isinstance(event, yaml.MappingStartEvent), event.anchor))
    elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
        done = state.stack.pop()
        if done.anchor:
            state.anchors[done.anchor] = done.size
        state.total -= done.size - 1  # children were counted as they came
        state.add(done.size, line)
    elif isinstance(event, yaml.ScalarEvent):
        if event.anchor:
            state.anchors[event.anchor] = 1
        state.add(1, line)
    elif isinstance(event, yaml.AliasEvent):
        if any(open_.anchor == event.anchor for open_ in state.stack):
            raise YamlRefused(line, f"the alias *{event.anchor} refers to the list or mapping "
                                    "it is part of, which would never end")
        _no_complex_key(state, line, state.anchors.get(event.anchor or "", 1) > 1)
        state.add(state.anchors.get(event.anchor or "", 1), line)


def _no_complex_key(state: _Scan, line: int, complex_value: bool = True) -> None:
    if complex_value and state.stack and state.stack[-1].mapping and state.stack[-1].at_key:
        raise YamlRefused(line, "a key must be a plain word, not a list or a mapping")
