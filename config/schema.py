"""The admin's YAML file as typed models: every key, its type and its default.

The documented keys (docs/admin-guide.md) are a contract; everything beyond them is an extension
with a documented default. Unknown keys are errors (``extra="forbid"``) so a typo
never silently falls back to a default. Loading, ``${ENV}`` substitution, relative
paths and line-numbered error messages live in ``config.loader``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from dealnudge.records import FINDING_KINDS

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# Bounds: wide enough for any real team, narrow enough that no value overflows a date
# computation or starves the scheduler (documented in docs/admin-guide.md "Limits").
MAX_DAYS = 3650  # a day threshold or window: up to ten years
MAX_HOURS = 24 * MAX_DAYS  # an hour threshold: the same ten years
HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(:00)?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _check_email(value: str) -> str:
    value = value.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in value) or _CONTROL.search(value):
        raise ValueError(f"expected an e-mail address, got {value!r}")
    return value


def _one_line(value: str) -> str:
    """Names end up in mail headers: no line breaks or other control characters."""
    if _CONTROL.search(value):
        raise ValueError("must be one line of text without control characters")
    return value


def _folder_name(value: str) -> str:
    if not value.strip():
        raise ValueError("expected a folder name such as \"INBOX.Sent Items\", got an empty text")
    return _one_line(value)


def send_time(value: object) -> dt.time:
    """``"HH:MM"`` only: YAML 1.1 turns unquoted 25:00 / 8:30:00 / 8 into other numbers."""
    hint = 'write the time in quotes as "HH:MM" (24-hour), for example send_at: "08:30"'
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a time, got {value!r}; {hint}")
    match = HHMM.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a time of day; {hint}")
    return dt.time(int(match.group(1)), int(match.group(2)))


class Organization(Strict):
    name: Annotated[str, AfterValidator(_one_line)]
    internal_domains: list[str] = Field(min_length=1)
    ignore_addresses: list[str] = []  # exact addresses or whole domains ("@vendor.example")

    @field_validator("internal_domains")
    @classmethod
    def _lower_domains(cls, v: list[str]) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in v]

    @field_validator("ignore_addresses")
    @classmethod
    def _lower_ignored(cls, v: list[str]) -> list[str]:
        return [a.strip().lower() for a in v]


class Thresholds(Strict):
    follow_up_within_hours: float = Field(24, gt=0, le=MAX_HOURS)
    next_step_within_hours: float = Field(72, gt=0, le=MAX_HOURS)
    stall_after_days: int = Field(14, gt=0, le=MAX_DAYS)
    stall_min_seller_touches: int = Field(2, ge=1, le=1000)
    active_within_days: int = Field(30, gt=0, le=MAX_DAYS)
    slip_grace_days: int = Field(2, ge=0, le=MAX_DAYS)  # a dated customer promise may be this late
    reschedule_window_days: int = Field(30, gt=0, le=MAX_DAYS)
    reschedule_min_count: int = Field(2, ge=1, le=1000)
    single_thread_min_meetings: int = Field(3, ge=1, le=1000)
    reply_within_hours: float = Field(24, gt=0, le=MAX_HOURS)


class Findings(Strict):
    disabled: list[str] = []  # finding kinds never reported nor nudged about

    @field_validator("disabled")
    @classmethod
    def _known_kinds(cls, v: list[str]) -> list[str]:
        kinds = [k.strip() for k in v]
        for kind in kinds:
            if kind not in FINDING_KINDS:
                close = difflib.get_close_matches(kind, FINDING_KINDS, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}?" if close else f"known kinds: {', '.join(FINDING_KINDS)}"
                raise ValueError(f"unknown finding kind {kind!r}; {hint}")
        return kinds


class OutboxDelivery(Strict):
    kind: Literal["outbox"]
    path: Path = Path("outbox")


class SmtpSentCheck(Strict):
    """Where an SMTP-submitted nudge lands when the provider files it (Gmail, Microsoft 365,
    …): the account's Sent folder over IMAP, opened read-only (EXAMINE) to look a stranded
    claim up by Message-ID. TLS as for ``providers.imap``; the login defaults to the SMTP one."""

    host: str
    port: int = Field(993, ge=1, le=65535)
    starttls: bool = False  # false: implicit TLS (993); true: STARTTLS on a plain port (143)
    username: str | None = None  # default: the SMTP username
    password: SecretStr | None = None  # default (with no password_file): the SMTP password
    password_file: Path | None = None
    folder: Annotated[str, AfterValidator(_folder_name)] = "Sent"
    ca_bundle: Path | None = None  # default: the SMTP ca_bundle
    timeout_seconds: float = Field(30, gt=0, le=600)


class SmtpDelivery(Strict):
    kind: Literal["smtp"]
    host: str
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True  # STARTTLS on a plain port (587); false with ssl: true for port 465
    ssl: bool = False  # implicit TLS (port 465)
    username: str | None = None
    password: SecretStr | None = None
    password_file: Path | None = None
    ca_bundle: Path | None = None
    timeout_seconds: float = Field(30, gt=0, le=600)
    sent_check: SmtpSentCheck | None = None  # none: a stranded claim stays unverified


class GmailDelivery(Strict):
    kind: Literal["gmail"]  # sends as providers.google.sender
    # look a stranded claim up in the sender's Gmail by Message-ID (needs gmail.readonly
    # for the sender mailbox; docs/google.md)
    sent_check: bool = False


class GraphDelivery(Strict):
    kind: Literal["graph"]  # sends as providers.microsoft.sender
    # send as MIME (kept in Sent Items with our Message-ID) and look a stranded claim up
    # there (needs Mail.ReadBasic on the sender mailbox; docs/microsoft.md)
    sent_check: bool = False


Delivery = Annotated[OutboxDelivery | SmtpDelivery | GmailDelivery | GraphDelivery,
                     Field(discriminator="kind")]


class Nudges(Strict):
    send_at: Annotated[dt.time, BeforeValidator(send_time)] = dt.time(8, 0)
    weekdays: list[Weekday] = Field(["mon", "tue", "wed", "thu", "fri"], min_length=1)
    delivery: Delivery = OutboxDelivery(kind="outbox")
    from_address: str | None = None  # default: dealnudge@<first internal domain>
    send_when_empty: bool = False
    grace_hours: float = Field(4, ge=0, le=24)  # a service down at send_at still sends this late
    retry_attempts: int = Field(5, ge=1, le=20)
    manager_rollup_weekday: Weekday | None = "mon"  # weekly roll-up to managers; null turns it off

    @field_validator("from_address")
    @classmethod
    def _from(cls, v: str | None) -> str | None:
        return None if v is None else _check_email(v)


class SyncSettings(Strict):
    interval_minutes: float = Field(15, gt=0, le=1440)
    jitter_seconds: float = Field(60, ge=0, le=3600)
    concurrency: int = Field(4, ge=1, le=64)  # reps synced in parallel


class WorkerSettings(Strict):
    """``dealnudge worker`` (PostgreSQL only): how workers plan, watch each other and stop."""

    tick_seconds: float = Field(15, ge=1)  # how often the shared plan looks for due work
    heartbeat_seconds: float = Field(10, gt=0)  # each worker's sign of life
    stalled_after_seconds: float = Field(45, gt=0)  # silence after which its jobs are retried
    shutdown_grace_seconds: float = Field(10, ge=0)  # SIGTERM: wait this long for running jobs
    claim_check_after_minutes: float = Field(5, gt=0)  # a digest stuck in sending gets checked


class LocalSource(Strict):
    kind: Literal["local"]
    calendar: Path | None = None  # one .ics file or a directory of them
    mail: Path | None = None  # Maildir, mbox file, or directory of .eml


class GoogleSource(Strict):
    kind: Literal["google"]
    mailbox: str | None = None


class MicrosoftSource(Strict):
    kind: Literal["microsoft"]
    mailbox: str | None = None


class ImapSource(Strict):
    kind: Literal["imap"]
    username: str | None = None  # default: the rep's email
    password: SecretStr | None = None
    password_file: Path | None = None
    calendar: str | None = None  # CalDAV collection URL, https .ics feed, or local .ics path
    calendar_username: str | None = None
    calendar_password: SecretStr | None = None
    calendar_password_file: Path | None = None
    folders: list[str] = []  # extra folders beyond Inbox and Sent
    sent_folder: Annotated[str, AfterValidator(_folder_name)] | None = None  # overrides the search
    calendar_name: Annotated[str, AfterValidator(_one_line)] | None = None  # CalDAV: which one


Source = Annotated[LocalSource | GoogleSource | MicrosoftSource | ImapSource,
                   Field(discriminator="kind")]


class Mute(Strict):
    """No nudges until ``until`` (inclusive), for the whole rep or one account."""

    until: dt.date
    account: str | None = None


class Rep(Strict):
    email: str
    name: Annotated[str, AfterValidator(_one_line)] = ""
    timezone: str = "UTC"
    language: Literal["en", "zh"] = "en"
    aliases: list[str] = []
    manager: str | None = None
    mute: list[Mute] = []
    source: Source

    @field_validator("email", "manager")
    @classmethod
    def _addresses(cls, v: str | None) -> str | None:
        return None if v is None else _check_email(v)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, v: list[str]) -> list[str]:
        return [_check_email(a) for a in v]

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name such as Asia/Shanghai)") from None
        return v

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def mailbox(self) -> str:
        return getattr(self.source, "mailbox", None) or self.email


class GoogleProvider(Strict):
    service_account_file: Path | None = None  # organisation-wide: domain-wide delegation
    oauth_client_file: Path | None = None  # single user: installed-app flow
    token_file: Path | None = None
    api_endpoint: str = "https://gmail.googleapis.com/"
    calendar_endpoint: str = "https://www.googleapis.com/calendar/v3/"
    sender: str | None = None
    mail_window_days: int = Field(90, ge=1, le=MAX_DAYS)
    calendar_past_days: int = Field(90, ge=1, le=MAX_DAYS)
    calendar_future_days: int = Field(60, ge=0, le=MAX_DAYS)
    page_size: int = Field(500, ge=1, le=500)
    batch_size: int = Field(50, ge=1, le=100)
    quota_units_per_minute: int = Field(4800, ge=1, le=1_000_000)  # per user; Google allows 6,000 (15,000 before May 2026)
    calendar_requests_per_minute: int = Field(500, ge=1, le=100_000)  # per user; Google allows 600

    @model_validator(mode="after")
    def _one_mode(self) -> GoogleProvider:
        if (self.service_account_file is None) == (self.oauth_client_file is None):
            raise ValueError("give exactly one of service_account_file (organisation-wide) "
                             "or oauth_client_file (single user)")
        return self


class MicrosoftProvider(Strict):
    tenant_id: str
    client_id: str
    client_secret: SecretStr | None = None
    client_certificate_file: Path | None = None
    client_certificate_thumbprint: str | None = None
    device_code: bool = False  # single user, delegated permissions
    token_cache_file: Path | None = None
    authority_host: str = "https://login.microsoftonline.com"
    graph_endpoint: str = "https://graph.microsoft.com"
    ca_bundle: Path | None = None
    sender: str | None = None
    mail_window_days: int = Field(90, ge=1, le=MAX_DAYS)
    calendar_past_days: int = Field(90, ge=1, le=MAX_DAYS)
    calendar_future_days: int = Field(60, ge=0, le=MAX_DAYS)
    page_size: int = Field(100, ge=1, le=1000)
    requests_per_10_minutes: int = Field(8000, ge=1, le=1_000_000)  # per mailbox; Graph allows 10,000
    max_concurrency: int = Field(4, ge=1, le=4)  # per mailbox; Graph allows 4


class ImapProvider(Strict):
    host: str
    port: int = Field(993, ge=1, le=65535)
    starttls: bool = False
    ca_bundle: Path | None = None
    timeout_seconds: float = Field(30, gt=0, le=600)
    max_connections: int = Field(2, ge=1, le=100)  # concurrent logins to this server
    mail_window_days: int = Field(90, ge=1, le=MAX_DAYS)
    fetch_batch: int = Field(200, ge=1, le=5000)
    calendar_past_days: int = Field(90, ge=1, le=MAX_DAYS)
    calendar_future_days: int = Field(60, ge=0, le=MAX_DAYS)


class Providers(Strict):
    google: GoogleProvider | None = None
    microsoft: MicrosoftProvider | None = None
    imap: ImapProvider | None = None


class Config(Strict):
    database: str = "sqlite:///dealnudge.db"
    organization: Organization
    thresholds: Thresholds = Thresholds()
    findings: Findings = Findings()
    nudges: Nudges = Nudges()
    sync: SyncSettings = SyncSettings()
    worker: WorkerSettings = WorkerSettings()
    providers: Providers = Providers()
    reps: list[Rep] = Field(min_length=1)

    def rep(self, email: str) -> Rep:
        for rep in self.reps:
            if rep.email == email.lower():
                return rep
        raise KeyError(email)
