"""The files and folders a config points at: do they exist, and are they the right kind?

A path that exists but is the wrong kind is refused on every load: a ``password_file``
that is a folder, an outbox that is ``/dev/null``, or a calendar at ``/dev/zero``
(which a reader would consume until memory runs out) can never work. A path that does
not exist *yet* is only refused by ``dealnudge check`` (``strict``): a mounted mail
export may appear later, and one rep's missing folder must not stop the service for
the others, but an admin validating the file wants to hear about it.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from dealnudge.config.schema import Config, ImapSource, LocalSource

Kind = Literal["file", "folder", "file or folder"]
Loc = tuple[int | str, ...]


def path_problems(config: Config, *, strict: bool) -> list[tuple[Loc, str]]:
    """(key path, sentence) for each path that is the wrong kind, or missing when ``strict``."""
    out: list[tuple[Loc, str]] = []
    for loc, path, kind, must_exist in _paths(config):
        problem = _problem(path, kind, must_exist=must_exist and strict)
        if problem:
            out.append((loc, problem))
    return out


def _paths(config: Config) -> Iterator[tuple[Loc, Path, Kind, bool]]:
    delivery = config.nudges.delivery
    if delivery.kind == "outbox":
        yield ("nudges", "delivery", "path"), delivery.path, "folder", False
    if delivery.kind == "smtp":
        yield from _optional(("nudges", "delivery"), delivery, ("password_file", "ca_bundle"))
    providers = config.providers
    if providers.google is not None:
        yield from _optional(("providers", "google"), providers.google,
                             ("service_account_file", "oauth_client_file"))
        if providers.google.token_file is not None:
            yield ("providers", "google", "token_file"), providers.google.token_file, "file", False
    if providers.microsoft is not None:
        yield from _optional(("providers", "microsoft"), providers.microsoft,
                             ("client_certificate_file", "ca_bundle"))
        cache = providers.microsoft.token_cache_file
        if cache is not None:
            yield ("providers", "microsoft", "token_cache_file"), cache, "file", False
    if providers.imap is not None:
        yield from _optional(("providers", "imap"), providers.imap, ("ca_bundle",))
    for i, rep in enumerate(config.reps):
        yield from _source_paths(("reps", i, "source"), rep.source)


def _optional(loc: Loc, model: object, names: tuple[str, ...]) -> Iterator[tuple[Loc, Path, Kind, bool]]:
    for name in names:
        value = getattr(model, name)
        if isinstance(value, Path):
            yield (*loc, name), value, "file", True


def _source_paths(loc: Loc, source: object) -> Iterator[tuple[Loc, Path, Kind, bool]]:
    if isinstance(source, LocalSource):
        for name in ("calendar", "mail"):
            value = getattr(source, name)
            if value is not None:
                yield (*loc, name), value, "file or folder", True
    if isinstance(source, ImapSource):
        yield from _optional(loc, source, ("password_file", "calendar_password_file"))
        if source.calendar and "://" not in source.calendar:
            yield (*loc, "calendar"), Path(source.calendar), "file", True


def _problem(path: Path, kind: Kind, *, must_exist: bool) -> str | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"{path} does not exist" if must_exist else None
    except OSError as err:
        return f"{path} cannot be read ({err.strerror})"
    is_file, is_dir = stat.S_ISREG(mode), stat.S_ISDIR(mode)
    if kind == "folder" and not is_dir:
        return f"{path} must be a folder, but it is {_what(mode)}"
    if kind == "file" and not is_file:
        return f"{path} must be a regular file, but it is {_what(mode)}"
    if kind == "file or folder" and not (is_file or is_dir):
        return f"{path} must be a file or a folder, but it is {_what(mode)}"
    return None


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    return "a socket" if stat.S_ISSOCK(mode) else "not a file"
