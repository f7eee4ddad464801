"""Cues about whose condition, thanks or delivery a clause names: which side a day binds.

And whether it binds at all: a day the author only checks ("let me check my calendar for
Thursday", "我看一下周四的安排") is the object of the check, not the step's day.

Kept beside the main lexicon (analyzer.text_cues) and built from the same two-half
``Cue``: each says that a day in the clause is the other side's (accepting their
delivery day) or stays the author's firm day (a condition the other side fulfils,
thanks for a promise just made).
"""

from __future__ import annotations

from dealnudge.analyzer.text_cues import Cue

# Accepting a day for what the other side delivers ("Friday delivery works for us",
# "your proposal due Friday is fine") acknowledges their date: the step is theirs.
OTHER_DELIVERS = Cue(
    en=r"(?:deliver(?:y|ies)|shipment|shipping|dispatch|proposal|quote|quotation|invoice|estimate"
       r"|offer|drafts?|deliverables?|redlines?)(?:\s+[a-z0-9,'’-]+){0,4}?\s+(?:works|work|is\s+"
       r"(?:fine|good|ok|okay|perfect|great)|sounds|suits)\b"
       r"|(?:accept|acknowledge|note|confirm)[a-z]*\s+(?:(?:and|&)\s+(?:accept|acknowledge|note|confirm)[a-z]*\s+)?"
       r"(?:your|the)\s+(?:[a-z-]+\s+){0,2}(?:delivery|shipment|shipping|dispatch|installation|arrival)\s+date\b",
    gate=("works", "work ", "fine", "good", "ok", "perfect", "great", "sounds", "suits", "date"),
)
# The seller's delivery, acknowledged or announced ("Noted that the goods will arrive on
# Friday", "收到，周五发货没问题"): the seller's step, whoever writes it.
SELLER_DELIVERY = Cue(
    en=r"(?:goods|order|shipment|parts|equipment|hardware|items?|package|parcel|consignment)\s+"
       r"(?:will|should|(?:is|are)\s+(?:going|due|scheduled|expected)\s+to)\s+"
       r"(?:arrive|ship|land|reach\s+us|be\s+(?:delivered|shipped|dispatched))\b",
    zh=r"(?<![们方司])(?:发货|到货|交货|送货|出货|供货)(?:时间|日期)?[^，,。；;！!？?]{0,6}?"
       r"(?:没问题|没有问题|可以|行|ok|好的|接受|同意)",
    gate=("arriv", "ship", "land", "reach", "deliver", "dispatch"),
    zh_gate=("货",),
)
# A payment announced as such ("payment for invoice #4471 will be remitted on March 20",
# "款项将于3月20日前支付"): the customer pays, whichever side is named first.
CUSTOMER_PAYS = Cue(
    en=r"(?<!re)payments?(?:\s+(?:of|for|on|against|under)\s+[^,.;]{1,40}?)?\s+(?:will|shall|should|is\s+going\s+to)\s+be\s+"
       r"(?:remitted|made|sent|wired|paid|released|processed|issued|transferred|effected)\b"
       r"|(?:it|invoice|the\s+invoice|the\s+balance|the\s+amount)\s+(?:will|should|shall)\s+be\s+paid\b",
    zh=r"(?<!退)(?:款项|货款|尾款|首付款|预付款|余款|进度款|合同款|发票款)(?:将|会|预计|计划|拟)(?:于|在)?"
       r"[^，,。；;]{0,16}?(?:支付|付清|结清|打款|汇出|汇款|转账|付款)",
    gate=("payment", "paid"),
    zh_gate=("款",),
)
# A payment falling due is a term, not a step of anyone's ("This is a reminder that your
# payment of $149.00 is due on Tue, 21 Jul", "Invoice #1234 is due today", "发票款项6月30日到期").
PAYMENT_DUE = Cue(
    en=r"(?:payments?|invoices?|balance|bill|amount|fees?|premium|installment|instalment)\b(?:[^.;!?]|\.(?=\d)){0,40}?"
       r"(?<![a-z0-9])(?:is|are|was|were|falls?|becomes?|will\s+be|shall\s+be)\s+(?:now\s+)?(?:past\s+)?due\b"
       r"|(?:invoice|payment|bill)\b[^.;!?]{0,40}?,\s*(?<![a-z])due\s+(?:on\s+|by\s+)?(?:[a-z]+day|\d|jan|feb|mar|apr"
       r"|may|jun|jul|aug|sep|oct|nov|dec|today|tomorrow)",
    zh=r"(?:款项?|费用?|发票|账单)[^，,。；;]{0,10}(?:到期|截止日)",
    gate=("due",),
    zh_gate=("到期", "截止日"),
)
# An agreement or plan expiring or renewing on a day is its term, not a step ("which is due
# to expire on 31 October 2026", "Your Team plan renews on March 14", "合同将于3月31日到期").
EXPIRES = Cue(
    en=r"(?:expire[sd]?|expiring|(?:auto-?)?renews)\s+(?:on|in|at)\b|due\s+to\s+expire\b",
    zh=r"(?:合同|协议|服务|订阅|许可|授权)[^，,。；;]{0,12}到期",
    gate=("expir", "renews"),
    zh_gate=("到期",),
)
# A condition the other side fulfils in the ordinary course ("Once you accept those, I'll
# countersign by Tuesday", "等你们确认后，我们周五签") leaves the author's day firm: only a
# condition on the author's own side or on chance ("once legal approves", "if") hedges.
OTHER_PRECONDITION = Cue(
    en=r"(?:once|as\s+soon\s+as)\s+(?:you|your|we\s+(?:receive|get|have)\s+(?:it|them|that|your|the\s+"
       r"(?:revised|updated|final|signed|new)))\b|if\s+(?:someone|somebody|anyone|anybody)\b"
       r"|if\s+(?:it|that|the\s+(?:meeting|call|session|demo))\s*(?:is|['’]s)\s+still\b"
       r"|if\s+(?:you|everyone|everybody)\s+(?:are|is|['’]re)\s+(?:ok|okay|fine|happy|good)\s+with\b"
       r"|if\s+you\s+(?:have|send|submit|accept|sign|confirm)\s+(?:an?|the|your|us|it|them)\b"  # "if you have an invoice for January"
       r"|(?:if|unless)\s+(?:no\s*one|nobody|anyone|anybody)\s+objects?\b|unless\s+there\s+are\s+(?:any\s+)?objections\b",
    zh=r"等(?:你们|您|你|贵司|贵方)|收到(?:你们|您|你|贵司|贵方)|没(?:有)?人(?:认领|领|做|接)",  # "如果没人认领的话我就先翻译"
    gate=("once", "soon", "if some", "if any", "still", "if you", "if every", "object"),
    zh_gate=("等", "收到", "人"),
)
# Thanks for a promise the other side made is a recap of it, not a look back ("Thanks for
# agreeing to meet again on Tuesday", "感谢您答应周五前给我们答复").
THANKS_FOR_PROMISE = Cue(
    en=r"thanks?\s+(?:you\s+)?(?:again\s+)?for\s+(?:agreeing|confirming|accepting|offering|committing|"
       r"making\s+time|setting\s+up|scheduling|booking|letting\s+(?:me|us)\s+know)\b",
    zh=r"^\s*(?:谢谢|感谢|多谢)(?:您|你们?|贵司)?(?:答应|同意|确认|安排)",
    anchored=True,
    gate=("thank",),
)
# Checking a day is no promise of it ("Let me check my calendar for Thursday and get back
# to you", "I'll check whether Thursday works", "我看一下周四的安排再回复您"): the step after
# the check ("get back to you") has no day of its own.
CHECKING = Cue(
    en=r"(?:check|see|look\s+at)\s+(?:my\s+|our\s+|the\s+)?(?:calendar|diary|schedule|availability)"
       r"\s+(?:for|on)\b|(?:check|see|find\s+out|confirm)\s+(?:whether|if)\b",
    zh=r"(?:看一下|看看|查一下|查查|确认一下|问一下|了解一下|核实一下)[^，,。]{0,10}?(?:的安排|的时间|的日程|是否|有没有空|能不能|行不行|方便)",
    gate=("calendar", "diary", "schedule", "availability", "whether", "if"),
    zh_gate=("一下", "看看", "查查"),
)
