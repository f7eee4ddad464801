"""Quote and signature stripping for each mail client's reply format, in both languages."""

from __future__ import annotations

import pytest
from dealnudge.analyzer.quotes import strip_quoted, zones

NEW = "We will send the signed order form on Friday."
QUOTED = "我周五前把合同草稿发给您。"

CLIENT_REPLIES = {
    "gmail": f"{NEW}\n\nOn Mon, Mar 2, 2026 at 9:00 AM Tom Reed <tom@northwind.example> wrote:\n"
             f"> {QUOTED}\n",
    "gmail-wrapped": f"{NEW}\n\nOn Mon, Mar 2, 2026 at 9:00 AM Tom Reed <tom@northwind.example>\n"
                     f"wrote:\n\n> {QUOTED}\n",
    "gmail-zh": f"{NEW}\n\n李明 <liming@northwind.example> 于2026年3月1日周日 18:22写道：\n> {QUOTED}",
    "apple-mail": f"{NEW}\n\nOn Mar 1, 2026, at 18:22, Tom Reed <tom@northwind.example> wrote:\n\n"
                  f"> {QUOTED}",
    "outlook-original": f"{NEW}\n\n-----Original Message-----\nFrom: Tom Reed\nSent: Sunday\n\n"
                        f"{QUOTED}",
    "outlook-header": f"{NEW}\n\n________________________________\nFrom: Tom Reed <t@n.example>\n"
                      f"Sent: Sunday, March 1, 2026 6:22 PM\nTo: Dana\nSubject: Next steps\n\n"
                      f"{QUOTED}",
    "outlook-one-line": f"{NEW}\n\nFrom: Tom Reed Sent: Sunday, March 1 To: Dana Subject: Hi\n"
                        f"{QUOTED}",
    "outlook-zh-ascii": f"{NEW}\n\n发件人: 李明 <liming@northwind.example>\n发送时间: 2026年3月1日 18:22\n"
                        f"收件人: 张伟\n主题: 合同\n\n{QUOTED}",
    "outlook-zh-fullwidth": f"{NEW}\n\n发件人：李明 <liming@northwind.example>\n"
                            f"发送时间：2026年3月1日 18:22\n收件人：张伟\n主题：合同\n\n{QUOTED}",
    "foxmail-qq": f"{NEW}\n\n------------------ 原始邮件 ------------------\n"
                  f"发件人: \"李明\"<liming@northwind.example>\n发送时间: 2026年3月1日\n\n{QUOTED}",
    "foxmail-nbsp": f"{NEW}\n\n------------------&nbsp;原始邮件&nbsp;------------------\n{QUOTED}",
    "netease": f"{NEW}\n\n在 2026-03-01 18:22:10，\"李明\" <liming@northwind.example> 写道：\n"
               f"> {QUOTED}",
    "netease-wrapped": f"{NEW}\n\n在 2026年3月1日，18:22，李明 <liming@northwind.example>\n写道：\n\n"
                       f"{QUOTED}",
    "forwarded": f"{NEW}\n\n---------- Forwarded message ---------\nFrom: Tom\n\n{QUOTED}",
    "angle-lines": f"{NEW}\n> {QUOTED}\n>> older text\n",
    "outlook-bold-labels": f"{NEW}\n\n*From:* Tom Reed [mailto:t@n.example]\n*Sent:* Sunday, March 1, "
                           f"2026 6:22 PM\n*To:* Dana\n\n{QUOTED}",
    "outlook-appointment": f"{NEW}\n\n-----Original Appointment-----\nFrom: Tom Reed\n\n{QUOTED}",
    "gmail-de": f"{NEW}\n\nAm So., 1. März 2026 um 18:22 Uhr schrieb Tom Reed <t@n.example>:\n\n{QUOTED}",
    "gmail-fr": f"{NEW}\n\nLe dim. 1 mars 2026 à 18:22, Tom Reed <t@n.example> a écrit :\n\n{QUOTED}",
    "outlook-de": f"{NEW}\n\nVon: Tom Reed <t@n.example>\nGesendet: Sonntag, 1. März 2026 18:22\n\n{QUOTED}",
    "gmail-zh-date-first": f"{NEW}\n\n2026年3月1日周日 18:22，李明 <liming@northwind.example> 写道：\n"
                           f"> {QUOTED}",
    "thunderbird": f"{NEW}\n\nOn 3/1/26 6:22 PM, Tom Reed wrote:\n> {QUOTED}",
    "yahoo": f"{NEW}\n\nOn Sunday, March 1, 2026, 06:22:10 PM GMT+8, Tom Reed <t@n.example> wrote:"
             f"\n\n{QUOTED}",
    "thunderbird-original": f"{NEW}\n\n-------- Original Message --------\nSubject: Hi\n{QUOTED}",
    "outlook-date-header": f"{NEW}\n\nFrom: Tom Reed <t@n.example>\nDate: Sunday, March 1, 2026\n"
                           f"To: Dana\n\n{QUOTED}",
}


@pytest.mark.parametrize("client", sorted(CLIENT_REPLIES))
def test_each_client_reply_keeps_only_the_new_text(client: str) -> None:
    assert strip_quoted(CLIENT_REPLIES[client]) == NEW


SIGNATURES = {
    "dash-dash": f"{NEW}\n\n-- \nDana Smith | Acme Corp\n+1 212 555 0199",
    "best-regards": f"{NEW}\n\nBest regards,\nDana Smith\nProcurement Manager\nAcme Corp",
    "thanks": f"{NEW}\n\nThanks,\nDana",
    "iphone": f"{NEW}\n\nSent from my iPhone",
    "iphone-zh": f"{NEW}\n\n发自我的iPhone",
    "cizhi-jingli": f"{NEW}\n\n此致\n敬礼！\n\n张伟\n华信科技 采购部\n电话：010-8888 6666",
    "zhuhao": f"{NEW}\n\n祝好\n张伟",
    "shunzhu": f"{NEW}\n\n顺祝商祺\n张伟\n华信科技",
}


@pytest.mark.parametrize("style", sorted(SIGNATURES))
def test_signatures_and_sign_offs_are_removed(style: str) -> None:
    assert strip_quoted(SIGNATURES[style]) == NEW


def test_inline_reply_keeps_new_lines_between_quotes() -> None:
    body = "Sounds good.\n> Let's meet on Friday?\nLet's meet Thursday instead.\n> ok\nGreat."
    assert strip_quoted(body) == "Sounds good.\nLet's meet Thursday instead.\nGreat."


def test_opening_thanks_is_not_a_sign_off() -> None:
    body = "Hi Tom,\nThanks!\nSee you Tuesday\nDana"
    assert "See you Tuesday" in strip_quoted(body)


def test_sign_off_followed_by_sentences_is_kept() -> None:
    body = "We agree.\nThanks,\nWe will sign on Friday.\n\nBest,\nDana"
    assert strip_quoted(body) == "We agree.\nThanks,\nWe will sign on Friday."


def test_body_lines_mentioning_writing_are_kept() -> None:
    body = "I wrote: the pilot starts Friday.\n我们周五签合同。"
    assert strip_quoted(body) == body


def test_plain_text_without_quotes_is_unchanged() -> None:
    assert strip_quoted("  我们周五签合同。\r\n") == "我们周五签合同。"


@pytest.mark.parametrize("body", [*CLIENT_REPLIES.values(), *SIGNATURES.values()])
def test_stripping_is_idempotent(body: str) -> None:
    once = strip_quoted(body)
    assert strip_quoted(once) == once


def test_zones_keep_exactly_the_new_text_and_name_what_was_cut() -> None:
    body = ("Hi Sarah,\n\nWe'll review it on Friday.\n\nBest regards,\nDana\nAcme Corp\n\n"
            "On Mon, Mar 2, 2026 at 10:00 AM Sarah <s@northwind.example> wrote:\n"
            "> I'll send the quote by Friday.\n")
    split = zones(body)
    assert split.new == strip_quoted(body)
    assert any("I'll send the quote by Friday." in q for q in split.quoted)
    assert split.signature and split.signature[0].startswith("Best regards")
    phone = zones("好的，下周三见。\n\n发自我的iPhone\n")
    assert phone.new == "好的，下周三见。" and phone.signature == ("发自我的iPhone",)


LINE_STARTS = [
    *CLIENT_REPLIES.values(),
    "ON Mon\nwrote:", "x\nſent from my phone", "x\n  Sent from my iPhone", "x\n\tdE: Tom\nDatum: Mo",
    "a\nFrom\n\n:\nx\nSent: Sunday", "x\n在 2026-03-01 18:22，李明 写道：", "x\n李明 于2026年3月1日 写道：",
    "Long line 3pm, 好的，我们 next Tuesday 把报告发给您。\nLe 3 mars, X <x@y.fr> a écrit :",
    "x\nAm 3. März schrieb Tom <t@x.de>:", "x\n_________\nFrom: a", "x\n--", "x\n-- \nDana",
    "\n\nOn\nMon, 3 Mar wrote:", "Dear Tom,\nOur plan: we meet on Friday.", "de: x\n\n\nSent: y",
]


@pytest.mark.parametrize("body", LINE_STARTS)
def test_the_cut_is_looked_for_only_where_it_can_start(body: str) -> None:
    """Trying only the lines a cut can start on finds exactly the full search's cut."""
    from dealnudge.analyzer.quotes import _CUT, _find_cut

    full, quick = _CUT.search(body), _find_cut(body)
    assert (full and (full.span(), full.group())) == (quick and (quick.span(), quick.group()))


def test_an_answer_below_the_quote_it_answers_is_new_text() -> None:
    # bottom-posting (mailing lists, inline replies): the attribution heads the ">" lines,
    # and what follows them is the writer's answer
    text = (f"On Mon, 2026-03-02 at 18:44 +0000, Tom Reed wrote:\n> {QUOTED}\n> more of it\n\n"
            f"{NEW}\n\nCheers,\nDana\n")
    assert strip_quoted(text) == NEW
    assert zones(text).new == NEW
    assert "Tom Reed wrote:" in " ".join(zones(text).quoted)


def test_an_older_message_below_a_quote_stays_quoted() -> None:
    text = (f"{NEW}\n\nOn Mon, Mar 2, 2026 at 9:00 AM Tom Reed <tom@northwind.example> wrote:\n"
            f"> {QUOTED}\n\n-----Original Message-----\nFrom: Li\nSent: Sunday\n\n{QUOTED}")
    assert strip_quoted(text) == NEW
