"""Account resolution: who counts as a customer and which account they belong to."""

from __future__ import annotations

import pytest
from dealnudge.analyzer.accounts import AddressBook, Party, account_key, registrable_domain

BOOK = AddressBook.build(
    team_addresses=["sarah.chen@northwind.example", "sarah.c@gmail.com"],
    internal_domains=["northwind.example"],
    ignore=["press@acme.example", "@partner.example"],
)


@pytest.mark.parametrize(("domain", "registrable"), [
    ("acme.example", "acme.example"),
    ("mail.acme.example", "acme.example"),
    ("eu.mail.acme.example", "acme.example"),
    ("steel.com.cn", "steel.com.cn"),
    ("sh.steel.com.cn", "steel.com.cn"),
    ("mail.bank.co.uk", "bank.co.uk"),
    ("corp.mining.com.au", "mining.com.au"),
    ("tokyo.maker.co.jp", "maker.co.jp"),
    ("localhost", "localhost"),
])
def test_registrable_domain_strips_subdomains_but_not_public_suffixes(
        domain: str, registrable: str) -> None:
    assert registrable_domain(domain) == registrable


@pytest.mark.parametrize(("address", "key"), [
    ("dana@mail.acme.example", "acme.example"),
    ("wang@steel.com.cn", "steel.com.cn"),
    ("bob@gmail.com", "bob@gmail.com"),
    ("bob@googlemail.com", "bob@googlemail.com"),
    ("zhang@qq.com", "zhang@qq.com"),
    ("zhang@vip.163.com", "zhang@vip.163.com"),
    ("li@126.com", "li@126.com"),
    ("anna@gmx.de", "anna@gmx.de"),
    ("anna@gmx.net", "anna@gmx.net"),
    ("ken@yahoo.co.jp", "ken@yahoo.co.jp"),
])
def test_free_mail_accounts_are_whole_addresses(address: str, key: str) -> None:
    assert account_key(address) == key


def test_two_free_mail_users_are_two_accounts() -> None:
    assert BOOK.customer_account("a@gmail.com") != BOOK.customer_account("b@gmail.com")


@pytest.mark.parametrize(("address", "party"), [
    ("dana@acme.example", Party.CUSTOMER),
    ("sarah.chen@northwind.example", Party.TEAM),
    ("sarah.c@gmail.com", Party.TEAM),  # the rep's alias, though on a free-mail domain
    ("ops@northwind.example", Party.INTERNAL),
    ("ops@cn.northwind.example", Party.INTERNAL),  # subdomain of an internal domain
    ("northwind.example@acme.example", Party.CUSTOMER),
    ("c_1882@resource.calendar.google.com", Party.NOBODY),
    ("team-events@group.calendar.google.com", Party.NOBODY),
    ("noreply@acme.example", Party.NOBODY),
    ("no-reply@acme.example", Party.NOBODY),
    ("do-not-reply@acme.example", Party.NOBODY),
    ("donotreply@acme.example", Party.NOBODY),
    ("notifications@acme.example", Party.NOBODY),
    ("MAILER-DAEMON@acme.example", Party.NOBODY),
    ("postmaster@acme.example", Party.NOBODY),
    ("calendar-notification@google.com", Party.NOBODY),
    ("bounces+123@acme.example", Party.NOBODY),
    ("talbot@acme.example", Party.CUSTOMER),  # "bot" only as a word of its own
    ("press@acme.example", Party.NOBODY),  # ignored exactly
    ("sam@partner.example", Party.NOBODY),  # ignored domain
    ("sam@eu.partner.example", Party.NOBODY),  # … and its subdomains
    ("sam@notpartner.example", Party.CUSTOMER),
])
def test_classify(address: str, party: Party) -> None:
    assert BOOK.classify(address) is party


def test_only_customers_have_accounts() -> None:
    assert BOOK.customer_account("Dana@Mail.Acme.Example") == "acme.example"
    assert BOOK.customer_account("ops@northwind.example") is None
    assert BOOK.customer_account("noreply@acme.example") is None
