"""The ``dealnudge`` command: the admin's whole interface to the service.

Exit codes are a contract: 0 ok, 2 bad config or usage, 1 a runtime failure.
Errors are one or two plain sentences on stderr; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import unquote

import click

from dealnudge.config.loader import ConfigError, load_config
from dealnudge.config.schema import Config

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_CONFIG = "dealnudge.yaml"
log = logging.getLogger("dealnudge")


class Failure(click.ClickException):
    """A runtime failure: exit 1 with a plain sentence."""

    exit_code = 1


class BadConfig(click.ClickException):
    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class State:
    def __init__(self, config_path: str | None, debug: bool, verbose: int) -> None:
        self.config_path = config_path
        self.debug = debug
        self.verbose = verbose
        self.secrets: list[str] = []  # never printed: scrubbed from every error message

    def find_config(self) -> Path:
        if self.config_path:
            return Path(self.config_path)
        if Path(DEFAULT_CONFIG).exists():
            return Path(DEFAULT_CONFIG)
        env = os.environ.get("DEALNUDGE_CONFIG")
        if env:
            return Path(env)
        raise BadConfig(f"No config file: ./{DEFAULT_CONFIG} does not exist and DEALNUDGE_CONFIG "
                        "is not set. Pass --config FILE (config/demo.yaml shows the format).")

    def config(self, *, require_paths: bool = False) -> Config:
        config = self.load(self.find_config(), require_paths=require_paths)
        self.secrets = url_secrets(config.database)
        return config

    @staticmethod
    def load(path: Path, *, require_paths: bool = False) -> Config:
        """A config file, its problems as a usage error (exit 2) with their lines."""
        try:
            return load_config(path, require_paths=require_paths)
        except ConfigError as err:
            raise BadConfig(f"{path}: {len(err.problems)} problem(s) in the config:\n"
                            + "\n".join(f"  {p}" for p in err.problems)) from None


def parse_now(value: str | None) -> dt.datetime:
    """``--now`` as an aware instant; a value without offset is taken as UTC."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 instant such as "
                                 "2026-03-10T08:00:00+08:00", param_hint="--now") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def now_option(f: F) -> F:
    return click.option("--now", "now_text", metavar="ISO8601",
                        help="Pretend it is this instant (default: the current time). "
                             "Without an offset it is read as UTC.")(f)


@contextmanager
def failures(state: State) -> Iterator[None]:
    """Turn unexpected exceptions into one plain sentence (traceback only with --debug)."""
    try:
        yield
    except click.ClickException:
        raise
    except Exception as err:
        if state.debug:
            raise
        log.debug("failure", exc_info=True)
        message = scrub(f"{type(err).__name__}: {err}", state.secrets)
        raise Failure(f"{message}. Run with --debug for details.") from None


_URL_PASSWORD = re.compile(r"^[^:/]+://[^:@/]*:([^@/]*)@")
_QUERY_PASSWORD = re.compile(r"[?&](?:password|sslpassword)=([^&#]*)", re.IGNORECASE)


def url_secrets(url: str) -> list[str]:
    """The passwords a database URL carries (user-info and ``?password=``)."""
    found = [m.group(1) for m in (_URL_PASSWORD.match(url),) if m and m.group(1)]
    found += [m.group(1) for m in _QUERY_PASSWORD.finditer(url) if m.group(1)]
    return sorted(set(found) | {unquote(s) for s in found}, key=len, reverse=True)


def safe_url(url: str) -> str:
    """The database URL with every password shown as ***."""
    return scrub(url, url_secrets(url))


def scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """C0/C1 control characters as visible escapes: a file name with a newline cannot forge
    a log line, an ESC sequence cannot drive the admin's terminal."""
    def show(match: re.Match[str]) -> str:
        char = match.group()
        if keep_newlines and char == "\n":
            return char
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a raw byte kept by surrogateescape
            return f"\\x{code - 0xDC00:02x}"
        return _NAMED.get(char, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return _CONTROLS.sub(show, text)


class EscapingFormatter(logging.Formatter):
    """Every record is one line; only the newline the handler adds ends it. A traceback
    (``--debug``, or a defect logged with its stack) keeps its own line breaks."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return escape_controls(super().formatException(ei), keep_newlines=True)


def _setup_logging(debug: bool, verbose: int) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(EscapingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    for noisy in ("googleapiclient.discovery_cache", "urllib3", "apscheduler.executors"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    # msal logs a bad token response whole, with a traceback; our own error says it plainly
    logging.getLogger("msal").setLevel(logging.DEBUG if debug else logging.CRITICAL)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_path", metavar="FILE", envvar=None,
              help=f"The team's YAML file (default: ./{DEFAULT_CONFIG}, then $DEALNUDGE_CONFIG).")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.option("-v", "--verbose", count=True, help="More log output (info level).")
@click.version_option(package_name="dealnudge")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, debug: bool, verbose: int) -> None:
    """dealnudge: one short morning e-mail per sales rep.

    It checks that every customer meeting ends with a dated next step the customer
    committed to and a follow-up e-mail from the rep, and flags deals where only the
    rep is still acting.

    \b
    Typical use:
      dealnudge demo                         try it on a bundled sample team
      dealnudge --config team.yaml check     validate your config
      dealnudge --config team.yaml sync      pull new mail and calendar data
      dealnudge --config team.yaml report    see what the reps would be told
      dealnudge --config team.yaml serve     run the service (sync + morning nudges)
    """
    _setup_logging(debug, verbose)
    ctx.obj = State(config_path, debug, verbose)



def run() -> NoReturn:
    sys.exit(main())
