"""Who is the customer: sorting addresses into internal, customer and noise, and
grouping customer addresses into accounts.

Every rule in the analyzer asks the same two questions about an address — "is this
someone at the customer?" and "which customer?" — so they are answered once, here.
Calendars and mailboxes are full of addresses that are nobody: meeting rooms
(``…@resource.calendar.google.com``, ``is_resource`` participants), shared calendars
(``…@group.calendar.google.com``), notification senders (``calendar-notification@
google.com``, ``noreply@…``, ``MAILER-DAEMON@…``) and the rep's own aliases. Counting
any of them as a customer would turn a room booking into a "customer meeting" and a
bounce into a "customer reply".

An account is the customer's organisation, keyed by its registrable domain so that
``mail.acme.example`` and ``acme.example`` are one account; a small built-in list of
two-level public suffixes keeps ``shanghai-steel.com.cn`` from collapsing into
``com.cn``. Free-mail domains identify no organisation, so their key is the whole
address: two Gmail users are two accounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

# Second-level labels under which organisations register (``acme.com.cn``, ``acme.co.uk``).
TWO_LEVEL_SUFFIXES: frozenset[str] = frozenset({
    "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn",
    "com.hk", "org.hk", "edu.hk", "com.tw", "org.tw", "edu.tw", "com.mo",
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk",
    "com.au", "net.au", "org.au", "edu.au", "gov.au",
    "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
    "co.kr", "or.kr", "co.nz", "org.nz", "co.in", "net.in", "org.in",
    "com.sg", "edu.sg", "com.my", "co.id", "co.th", "com.vn", "com.ph",
    "com.br", "com.mx", "com.ar", "com.tr", "co.za", "co.il", "com.sa", "com.eg",
})

FREE_MAIL_DOMAINS: frozenset[str] = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com",
    "protonmail.com", "proton.me", "pm.me", "mail.com", "yandex.com", "yandex.ru",
    "zoho.com", "fastmail.com", "hey.com", "tutanota.com",
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "188.com",
    "sina.com", "sina.cn", "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn",
    "tom.com", "21cn.com", "naver.com", "daum.net", "web.de", "t-online.de",
    "hotmail.co.uk", "hotmail.fr", "outlook.fr", "live.co.uk", "live.cn",
    "yahoo.co.uk", "yahoo.co.jp", "yahoo.com.cn", "yahoo.com.hk", "yahoo.com.tw",
    "yahoo.fr", "yahoo.de", "yahoo.com.au",
})
# Brands with a free-mail domain under many country codes (gmx.de, gmx.net, gmx.at …).
FREE_MAIL_BRANDS: frozenset[str] = frozenset({"gmx"})

# Local parts of mailboxes no human answers; matched as whole words of the local part.
_NOBODY_LOCAL = re.compile(
    r"^(?:.*[._+-])?(?:no-?reply|do-?not-?reply|donotreply|noreply|notifications?|"
    r"mailer-daemon|postmaster|calendar-notification|calendar-server|bounces?|"
    r"auto-?reply|autoreply|automailer|daemon|bot)(?:[._+-].*)?$"
)
# Domains that hold calendars, rooms and notification systems rather than people.
_NOBODY_DOMAINS: tuple[str, ...] = (
    "resource.calendar.google.com", "group.calendar.google.com",
    "import.calendar.google.com", "group.v.calendar.google.com",
)


class Party(Enum):
    """What an address is, from the team's point of view."""

    TEAM = "team"  # a rep or one of their aliases
    INTERNAL = "internal"  # a colleague at an internal domain
    CUSTOMER = "customer"
    NOBODY = "nobody"  # room, bot, no-reply, ignored


def normalise(address: str) -> str:
    return address.strip().strip("<>").lower()


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]


def registrable_domain(domain: str) -> str:
    """``mail.acme.example`` → ``acme.example``; ``sh.steel.com.cn`` → ``steel.com.cn``."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    if len(labels) <= 2:
        return ".".join(labels)
    keep = 3 if ".".join(labels[-2:]) in TWO_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def is_free_mail(domain: str) -> bool:
    registrable = registrable_domain(domain)
    return registrable in FREE_MAIL_DOMAINS or registrable.split(".")[0] in FREE_MAIL_BRANDS


def account_key(address: str) -> str:
    """The account an (already known customer) address belongs to."""
    address = normalise(address)
    domain = domain_of(address)
    return address if is_free_mail(domain) else registrable_domain(domain)


def _under(domain: str, parent: str) -> bool:
    return domain == parent or domain.endswith("." + parent)


def is_nobody_address(address: str) -> bool:
    """Rooms, shared calendars, bots and no-reply senders."""
    local, _, domain = normalise(address).rpartition("@")
    if not local or not domain:
        return True
    return bool(_NOBODY_LOCAL.match(local)) or any(_under(domain, d) for d in _NOBODY_DOMAINS)


@dataclass(frozen=True)
class AddressBook:
    """Classifies addresses for one team; build once per analysis and reuse."""

    team_addresses: frozenset[str]
    internal_domains: tuple[str, ...]
    ignored_addresses: frozenset[str]
    ignored_domains: tuple[str, ...]
    # Memos: the same few hundred addresses recur on thousands of records.
    _parties: dict[str, Party] = field(default_factory=dict, compare=False, repr=False)
    _accounts: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, team_addresses: Iterable[str], internal_domains: Iterable[str],
              ignore: Iterable[str]) -> AddressBook:
        """``ignore`` holds exact addresses or ``@domain`` (which covers its subdomains)."""
        ignore = [normalise(item) for item in ignore if item.strip()]
        return cls(
            team_addresses=frozenset(normalise(a) for a in team_addresses),
            internal_domains=tuple(normalise(d).lstrip("@") for d in internal_domains),
            ignored_addresses=frozenset(i for i in ignore if not i.startswith("@")),
            ignored_domains=tuple(i[1:] for i in ignore if i.startswith("@")),
        )

    def classify(self, address: str) -> Party:
        party = self._parties.get(address)
        if party is None:
            party = self._parties[address] = self._classify(normalise(address))
        return party

    def _classify(self, address: str) -> Party:
        if address in self.team_addresses:
            return Party.TEAM
        domain = domain_of(address)
        if any(_under(domain, d) for d in self.internal_domains):
            return Party.INTERNAL
        if (address in self.ignored_addresses or is_nobody_address(address)
                or any(_under(domain, d) for d in self.ignored_domains)):
            return Party.NOBODY
        return Party.CUSTOMER

    def customer_account(self, address: str) -> str | None:
        """The account key when ``address`` is a customer, else None."""
        if address not in self._accounts:
            customer = self.classify(address) is Party.CUSTOMER
            self._accounts[address] = account_key(address) if customer else None
        return self._accounts[address]
