"""The English the offline ``Scope`` reads a request with: action verbs, and the small words around them.

``ACTION_VERBS`` lists what people ask an assistant to *do* — move money, send a message, rent,
order, change or delete something. A request that asks one of these of an agent whose ``Scope``
does not offer it is refused by name, never answered with a default read. Verbs that only look
things up (find, show, tell...) are not listed: an agent's grammar decides what it can look up.

The other sets shape a request into clauses and objects: ``PREAMBLE`` strips the polite or
indirect start of a clause ("could you please", "I'd like to"), ``BOUNDARY`` words end the
object of a verb ("book a table | for 4 in Lisbon"), ``NEUTRAL`` words inside an object say
nothing about what it is ("me", "a", "nice"), and ``NOUN_FOLLOWERS`` after a first word show it
is a noun, not a verb ("order history", "share price").
"""

from __future__ import annotations

import re


def _words(text: str, sep: str | None = None) -> list[str]:
    return [word.strip() for word in text.split(sep)]


ACTION_VERBS = frozenset(
    _words(
        """transfer withdraw deposit wire send remit pay repay refund reimburse charge bill invoice
    lend loan borrow donate tip email e-mail mail text message sms call phone ring dial fax tweet
    post publish share forward reply invite notify remind alert order rent hire lease charter hail
    ship deliver courier delete remove erase wipe reset move reschedule postpone change modify
    edit update rename upgrade downgrade extend add create schedule set configure enable disable
    turn switch open close liquidate merge convert exchange swap redeem cash subscribe unsubscribe
    register enroll enrol join sign apply approve reject confirm rebook buy sell purchase trade
    invest short hedge bet gamble acquire book reserve cancel print download upload install
    uninstall execute deploy stop kill restart hack steal cook clean fix repair build write draft
    compose translate pack wake play stream record watch monitor track save store arrange
    organise organize drive ride fly travel plan refinance insure lock unlock drop rebalance
    reallocate allocate diversify rollover consolidate split gift scrap scratch void annul nix
    ditch axe abort revoke grab snag cop secure"""
    )
)
"""Verbs (base form) that ask an assistant to act on the world."""

ACTION_BIGRAMS = frozenset(
    _words(
        "check in|check out|sign up|log in|log out|top up|pay off|cash out|set up|call off|pick up|look up",
        "|",
    )
)
"""Two-word verbs, read before their first word ("check in" is not "check")."""

CANCEL_VERBS = ("cancel", "call off", "drop", "scrap", "scratch", "void", "annul", "nix", "ditch",
                "axe", "abort", "kill", "revoke", "delete", "remove")  # fmt: skip
"""Verbs that ask to cancel something ("scrap my booking", "kill order 7")."""

NOT_ACTIONS = frozenset(
    _words("get to|get there|get back|get home|get into|get in|get out|get going|get around", "|")
)
"""Two-word phrases whose first word is a verb but that ask no action ("get to Madrid")."""

PREAMBLE = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|so|now|then|also|and|but|please|pls|kindly|just|quickly|"
    r"actually|alright|right|oh|well|next|finally|first|lastly)\b[\s,!]*"
    r"|(?:can|could|would|will|won't|wouldn't) (?:you|ya|u)(?: please| kindly| just)?\s+"
    r"|(?:i|we)(?: would| 'd|'d)? (?:like|love|want|need|wish|have|got|hope)(?: you)? to\s+"
    r"|(?:i|we) (?:am|are|'m|'re) (?:trying|looking|hoping|going|planning|about) to\s+"
    r"|(?:i|we) (?:wanna|gotta|gonna|must|should|will|shall|can)\s+"
    r"|(?:is it possible|is there a way|how do i|how can i|how to|help me|let me|let us|let's"
    r"|go ahead and|be so kind as to|remember to|try to|time to|i'd like you to|i need you to)"
    r"(?: to)?\s+|(?:i|we)\s+(?=\w))+",
    re.IGNORECASE,
)
"""The start of a clause before its verb: politeness, "can you", "I want to", "help me"..."""

BOUNDARY = frozenset(
    _words(
        """in at on for from to into onto with by near around under over below above before after
    between during about of via through within without worth tomorrow tonight today next this
    if when whenever once unless while and or then but so because please there here which who
    where what how as than like per"""
    )
)
"""Words that end a verb's object ("a table | for 4")."""

NEUTRAL = frozenset(
    _words(
        """me us you him her them it that these those a an the my our your his their its some any
    another more few something anything somewhere anywhere one ones just also now quickly right
    away new nice good great best cheapest cheap cheaper quick same other first second third last
    usual lovely romantic cosy cozy fancy decent proper whole entire full up please again too
    really very bit little small big large nearby local fine top decent available possible
    additional extra few couple pair several many much"""
    )
)
"""Words inside an object that do not say what it is."""

QUANTIFIERS = frozenset(_words("all every each everything everyone both"))
"""Words that make one action many ("cancel all my orders")."""

NOUN_FOLLOWERS = frozenset(
    _words(
        """history status book details detail number id ids ideas idea list summary confirmation
    info information price prices balance limit size type flow of is are was were for ? 's
    reference code dates times options check target targets action levels"""
    )
)
"""A first word followed by one of these is a noun ("order history", "transfer of funds")."""

MONEY_WORDS = frozenset(
    _words("dollar dollars bucks usd eur euro euros gbp pound pounds yen jpy chf money cash funds")
)
"""Words that make an object an amount of money."""
