"""The bilingual time grammar: one named pattern per way of naming a day.

Read with analyzer.dates, which resolves each named match against the sent day. The
English patterns are matched on lower-cased text, without IGNORECASE and without a
leading optional prefix (both make Python's engine slower at every position); a
``\\b`` here means the end of an ASCII word, so "我们Friday签" still has a Friday.
"""

from __future__ import annotations

_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|weds?|thu(?:rs?)?|fri)"
_MON = (r"(?:january|february|march|april|may|june|july|august|september|october|november"
        r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)")
_MONFULL = (r"(?:january|february|march|april|june|july|august|september|october|november"
            r"|december)")
_ORDINAL_WORDS = (r"(?:thirty[-\s]first|thirtieth|twenty[-\s](?:first|second|third|fourth|fifth|"
                  r"sixth|seventh|eighth|ninth)|twentieth|nineteenth|eighteenth|seventeenth|"
                  r"sixteenth|fifteenth|fourteenth|thirteenth|twelfth|eleventh|tenth|ninth|eighth|"
                  r"seventh|sixth|fifth|fourth|third|second|first)")
_NUM = r"[0-9零〇一二两三四五六七八九十]{1,3}"
_ORD = r"(?:st|nd|rd|th)?"

PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(?<!\d)(?P<iso_y>20\d\d)[-/.](?P<iso_m>\d{1,2})[-/.](?P<iso_d>\d{1,2})(?!\d)"),
    # "07-23 20:00": month and day with a clock time after them
    ("md_dash", r"(?<![\d-])(?P<md_dash_m>0[1-9]|1[0-2])-(?P<md_dash_d>0[1-9]|[12]\d|3[01])(?=[\s-]+\d{1,2}:\d\d)"),
    # "24th works for me", "24th then?": a day of the month alone, answering
    ("num_ord", r"^\W*(?P<num_ord_d>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)(?=\s+(?:works|is\s+(?:fine|good|ok)|would|then)|\W*$)"),
    # "20260430": eight digits that read as a date of these years, standing alone
    ("iso8", (r"(?<![0-9a-z_.-])(?P<iso8_y>20[23]\d)(?P<iso8_m>0[1-9]|1[0-2])(?P<iso8_d>0[1-9]|[12]\d|3[01])"
              r"(?![0-9a-z_.-])")),
    ("num_dm", (rf"(?P<num_dm_d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<num_dm_m>{_MON})\b\.?"
               rf"(?:,?\s+(?P<num_dm_y>20\d\d)\b)?")),
    # numeric dates: which part is the month is decided per mail (analyzer.text_locale)
    ("us", (r"(?<![\d/.:,$£€¥])(?!24/7\b)(?P<us_a>\d{1,2})/(?P<us_b>\d{1,2})(?:/(?P<us_y>(?:20)?\d\d))?"
            r"(?![\d/]|\.\d)")),
    ("dot", (r"(?<![\d.:,$£€¥])(?P<dot_a>\d{1,2})\.(?P<dot_b>\d{1,2})"
             r"(?:\.(?P<dot_y>20\d\d)(?![\d.])|[号日](?![\d])|(?=之?前|以前|\s*(?:上午|下午|晚上|早上|中午|当天"
             r"|左右|前后|(?:周|星期|礼拜)[一二三四五六日天]|[（(]\s*(?:周|星期|礼拜))))")),
    ("en_md", (rf"(?P<en_md_m>{_MON})\.?\s+(?P<en_md_d>\d{{1,2}}){_ORD}\b"
              rf"(?:,?\s+(?P<en_md_y>20\d\d)\b)?")),
    ("en_dm", (rf"the\s+(?P<en_dm_d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<en_dm_m>{_MON})\b\.?"
              rf"(?:,?\s+(?P<en_dm_y>20\d\d)\b)?")),
    # "the week of March 9" names a week, not a day
    ("en_weekof", (rf"(?:(?:the\s+)?week\s+of|w/c|(?:the\s+)?week\s+(?:commencing|beginning|starting))\s+(?:the\s+)?(?:{_WD}\.?,?\s+)?(?:{_MON}\.?\s+\d{{1,2}}{_ORD}"
                   rf"|\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MON}|\d{{1,2}}/\d{{1,2}}|\d{{1,2}}{_ORD})\b")),
    ("en_from_today", (r"(?P<eft_n>a|one|two|three|four)\s+(?P<eft_u>days?|weeks?)\s+from\s+"
                       r"(?:today|now)\b")),
    ("en_word_ord", rf"the\s+(?P<wo_d>{_ORDINAL_WORDS})\s+of\s+(?P<wo_m>{_MON})\b\.?"),
    # "the second Sunday in August", "first Monday of March": a weekday of a named month
    ("en_nthwd", (r"(?P<nthwd_n>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+"
                  r"(?P<nthwd_w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\)?\s+(?:of|in)\s+"
                  rf"(?P<nthwd_m>{_MONFULL}|{_MON}\.)")),
    # "Friday 13th", "Weds the 11th": the day of the month, checked against the weekday
    # "Saturday 14th", and "Saturday 14 and …" without the suffix when the number can be no
    # 12-hour clock time (not "Saturday 10", "Saturday 14:00", "Friday 11/6")
    ("en_wdord", (rf"(?P<en_wdord_w>{_WD})\.?,?\s+(?:the\s+)?(?:(?P<en_wdord_d>\d{{1,2}})(?:st|nd|rd|th)\b"
                 rf"|(?P<en_wdord_n>1[3-9]|2\d|3[01])(?![\d:./]|\s*(?:am|pm|a\.m|p\.m|o['’]clock|h\b|hrs?\b|-|–"
                 rf"|(?:or|to|and|till|until)\s+\d)))"
                 rf"(?!\s+(?:of\s+)?{_MON}\b)")),
    ("en_ord", (r"the\s+(?P<ord_d>\d{1,2})(?:st|nd|rd|th)\b"
                r"(?!\s+(?:quarter|half|week|month|year|time|round|floor|party|version))")),
    ("en_dat", r"(?:the\s+day|day)\s+after\s+tomorrow\b"),
    ("en_tom", r"(?:tomorrow|tmrw|tmr|tmw|tomorow|tommorow|tommorrow)\b"),
    # "today's discussion" / "今天讨论的要点" look back at the meeting, not ahead
    ("en_today", (r"(?:(?:today(?!['’]s)|tonight|this\s+(?:morning|afternoon|evening))\b"
                  r"|in\s+a\s+(?:few|bit|sec|minute)(?:\s+(?:minutes?|mins?|hours?))?(?=\s*(?:[.!,;)]|$))"
                  r"|on\s+(?:my|our)\s+way\b(?!\s+(?:home|to\s+work|back|out)\b))")),
    ("en_eonw", r"(?:the\s+end|end)\s+of\s+next\s+week\b"),
    ("en_wkby", r"(?<=by |re )(?:the|this)\s+weekend\b"),
    ("en_wkend", r"(?P<en_wkend_mod>this|next|the|over\s+the)\s+weekend\b"),
    ("en_nextwk", r"within\s+(?:the\s+)?next\s+(?:7\s+days|seven\s+days|week)\b"),
    ("en_eonm", r"(?:the\s+end|end)\s+of\s+next\s+month\b"),
    ("en_eod", (r"(?:the\s+end|end)\s+of\s+(?:the\s+)?(?:business\s+)?day\b|(?:eod|cob)\b"
               r"|close\s+of\s+business\b")),
    ("en_eow", r"(?:the\s+end|end)\s+of\s+(?:the\s+|this\s+)?week\b|this\s+week\b|eow\b"),
    ("en_eonamed", (rf"(?:the\s+)?end\s+of\s+(?P<en_eonamed_m>{_MONFULL}|{_MON}\.)(?:,?\s+(?P<en_eonamed_y>20\d\d))?"
                   rf"(?!\s*\d)\b")),
    ("en_eom", (r"(?:the\s+end|end)\s+of\s+(?:the\s+|this\s+)?month\b|this\s+month\b"
               r"|month[-\s]end\b")),
    ("en_eoq", (r"(?:the\s+end|end)\s+of\s+(?:the\s+|this\s+)?(?:quarter|q(?P<en_eoq_q>[1-4]))\b"
                r"|quarter[-\s]end\b")),
    ("en_eoy", r"(?:the\s+end|end)\s+of\s+(?:the\s+|this\s+)?year\b|year[-\s]end\b"),
    ("en_in", (r"(?:in|within)\s+(?:the\s+next\s+)?(?P<en_in_n>\d{1,2}|a\s+couple\s+of|an?|one"
              r"|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<en_in_u>(?:business\s+|"
              r"working\s+)?days?|weeks?|months?|hours?)\b")),
    ("en_nwwd", rf"next\s+week(?:'s)?\s+(?:on\s+)?(?P<en_nwwd_d>{_WD})\b"),
    # "a week from Friday", "Friday week": the Friday after the coming one
    ("en_wkfrom", rf"(?:a|one)\s+week\s+(?:from|after)\s+(?:this\s+)?(?P<en_wkfrom_d>{_WD})\b"),
    # "last Friday" / "this past Friday" name a day behind us: resolved, then never a due day
    ("en_wdm", (rf"(?P<en_wdm_mod>this\s+coming|this\s+past|this|next|coming|the\s+following"
               rf"|following|last|past)\s+"
               rf"(?P<en_wdm_d>{_WD})\b\.?")),
    ("en_wd", (rf"(?P<en_wd_d>{_WD})\b\.?(?:\s+(?:of\s+)?(?:the\s+)?(?P<en_wd_post>week\s+after"
               rf"\s+next|next\s+week|this\s+week))?(?P<en_wd_week>\s+week\b(?!\s*(?:of|after|ago|\d)))?")),
    ("en_vague", (rf"(?:(?:the\s+)?week\s+after\s+next|next\s+(?:week|month|quarter|year)|q[1-4]|"
                 rf"the\s+(?:1st|2nd|3rd|4th|first|second|third|fourth|last)\s+quarter|"
                 rf"(?:first|second|third|fourth|last)\s+quarter|"
                 rf"later\s+this\s+(?:year|month|quarter|week)|"
                 rf"(?:early|mid|late)[-\s]+(?:{_MONFULL}|next\s+(?:month|year|week))|"
                 rf"in\s+{_MONFULL}|"
                 rf"soon|sometime|some\s+time|at\s+some\s+point|in\s+the\s+(?:coming|next\s+few)\s+"
                 rf"(?:days|weeks|months)|in\s+a\s+few\s+(?:days|weeks|months)|down\s+the\s+road|"
                 rf"after\s+the\s+holidays|later|this\s+year|in\s+the\s+future)\b")),
    ("zh_nmd", rf"下个?月(?P<zh_nmd_d>{_NUM})[号日]"),
    ("zh_tmd", rf"(?:本|这个)月(?P<zh_tmd_d>{_NUM})[号日]"),
    # "2026年 4月 11日": some writers space the parts; "12月11-13日": a range, from its first day
    ("zh_md", (rf"(?:(?P<zh_md_y>\d{{4}})[ \t]?年[ \t]?)?(?P<zh_md_m>{_NUM})[ \t]?月[ \t]?(?P<zh_md_d>{_NUM})"
               rf"(?:[ \t]?[-－~～至到][ \t]?{_NUM})?[ \t]?[日号]")),
    # "月底", "下个月底", "4月底" (April's end, not this month's), "本月内"; "半个月内" is no month
    ("zh_eom", rf"(?:(?P<zh_eom_mod>本|这个?|下个?)|(?P<zh_eom_n>{_NUM})|(?<![个半]))月(?:底|末|之?内)"),
    ("zh_thismonth", r"(?:本|这个)月(?![0-9零〇一二两三四五六七八九十初中])"),
    ("zh_eoy", r"(?:今年)?(?<!\d)年底|(?<!\d)年末"),  # not "2025年底": that year's end, long past
    ("zh_eoq", (r"(?:本|这个?)?季度(?:末|底|之?内|结束前)|第?(?P<zh_eoq_q>[一二三四1-4])季度(?:末|底)")),
    ("zh_wkend", r"(?P<zh_wkend_mod>这个?|本|下个?)?(?:周末|礼拜六日|星期六日)"),
    ("zh_wkin", r"(?P<zh_wkin_mod>本|这个?|下个?)(?:周|星期|礼拜)(?P<zh_wkin_k>之?内|之?前|以前|结束前)"),
    ("zh_wd", (r"(?P<zh_wd_mod>下下个?|下个?|这个?|本|上上个?|上个?)?(?:周|星期|礼拜)"
              r"(?P<zh_wd_d>[一二三四五六日天1-7])")),
    ("zh_thiswk", r"(?:本|这个?)(?:周|星期|礼拜)"),
    ("zh_dat", r"大后天"),
    ("zh_rel", r"(?P<zh_rel_w>(?:今天|今日)(?![\u4e00-\u9fff]{0,3}的)|今晚|今早|(?<!美好)(?<!的)明天|明日|明早|明晚|后天)"),  # not "美好的明天", "康健的明天"
    ("zh_nd", (rf"(?P<zh_nd_n>{_NUM})(?P<zh_nd_u>个工作日|个?星期|个?礼拜|周|天|日|个月|个?小时)"
              rf"(?:之?[内后]|以[内后])")),
    ("zh_day", (rf"(?<![月\d零〇一二两三四五六七八九十街路道巷弄村栋幢座第])(?P<zh_day_d>{_NUM})[号日]"
               rf"(?![子常程期本元楼线院门馆厅室房位机店口窗柜车码文令字床桌\d])")),  # not "三号楼", "大街16号3层"
    ("zh_vague", (r"半个?月(?:之?[内后]|以[内后])?|下个?月|下(?:个)?(?:周|星期|礼拜)|过段时间|过一段时间|过几天|改天|近期|"
                 r"尽快|下半年|上半年|第?[一二三四1-4]季度|年后|明年|今年晚些时候|晚些时候|以后|将来|"
                 r"回头|有空|找个?时间|改日|这两天|这几天|年前|月初|月中|上旬|中旬|下旬|晚点|晚些|稍后")),
]
# Explicit calendar dates outrank weekdays and relative days in the same clause
# ("Thursday, March 12", "Tuesday the 17th"); "end of day" yields to anything.
EXPLICIT = frozenset({"en_wdord", "en_nthwd", "iso", "iso8", "md_dash", "num_ord", "num_dm", "us", "dot", "en_word_ord", "zh_tmd", "en_md", "en_dm", "en_ord", "zh_nmd", "zh_md",
                       "zh_day"})
