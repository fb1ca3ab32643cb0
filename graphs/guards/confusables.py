"""Look-alike letters folded to ASCII, so "Ιgnοre" (Greek Ι and ο) reads as "ignore".

NFKC already folds full-width letters ("ｉｇｎｏｒｅ") and mathematical alphanumerics ("𝐢𝐠𝐧𝐨𝐫𝐞");
this table covers what NFKC leaves alone: Cyrillic, Greek, Armenian, small capitals and a few
Latin letters
drawn like other Latin letters (a compact subset of Unicode's confusables.txt, the letters an
attacker can mix into English words unnoticed).

Folding a whole Russian or Greek text would garble it ("все" would become "вce"), so the scanner
folds only texts that mix scripts inside words (``has_mixed_script``) and scans the folded text
beside the original. Folding comes before lower-casing: "Β" (Greek capital beta) reads "B", its
small form "β" does not.
"""

from __future__ import annotations

import re

_SMALL_CAPS = "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ"
# (look-alikes, their ASCII reading); upper case folds to upper case, lower to lower.
_PAIRS = (
    # Cyrillic
    ("АВЕЅІЈКМНОРСТХУѴԚԜӀ", "ABESIJKMHOPCTXYVQWI"),
    ("аеѕіјорсхуԁһԛԝӏкмтпгѵ", "aesijopcxydhqwlkmtnrv"),
    # Greek
    ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϜ", "ABEZHIKMNOPTYXF"),
    ("αβεικνορτυχγηϲϳ", "aBeikvoptuxyncj"),
    # Armenian, Cherokee and Latin extensions
    ("օսհոզցագ", "ouhnqgwq"),
    # Small capitals: a whole word can be written in them, with no ASCII letter beside.
    (_SMALL_CAPS, "abcdefghijklmnopqrstuvwyz"),  # Unicode has no small capital x
    ("ᎪᏴᏟᎠᎬᏀᎻᎥᎫᏦᏞᎷᏢᏚᎢᏙᏔᏃᎡ", "ABCDEGHiJKLMPSTVWZR"),
    ("ıɑɡɩɪʟſƖǀ", "iagiiLsll"),
)

CONFUSABLES: dict[int, int] = {
    ord(char): ord(ascii_char)
    for look_alikes, readings in _PAIRS
    for char, ascii_char in zip(look_alikes, readings, strict=True)
}
# Cherokee capitals have small forms (U+AB70...) that look the same: fold those too.
CONFUSABLES.update(
    {
        ord(char.lower()): ord(ascii_char.lower())
        for char, ascii_char in zip(*_PAIRS[-2], strict=True)
    }
)
"""``str.translate`` table: each look-alike's code point to its ASCII letter's."""

_FOREIGN = "".join(sorted({chr(code) for code in CONFUSABLES}))
# A look-alike right beside an ASCII letter: the sign of a word spelled in two scripts.
_MIXED = re.compile(f"[A-Za-z][{_FOREIGN}]|[{_FOREIGN}][A-Za-z]")
_ANY_FOREIGN = re.compile(f"[{_FOREIGN}]")
_ANY_SMALL_CAP = re.compile(f"[{_SMALL_CAPS}]")


def has_mixed_script(text: str) -> bool:
    """Whether some word of ``text`` mixes ASCII letters with look-alikes from other scripts,
    or uses small capitals (which no language writes words in)."""
    if text.isascii() or (first := _ANY_FOREIGN.search(text)) is None:
        return False
    # One character-set scan; the searches below start from the first look-alike.
    if _ANY_SMALL_CAP.search(text, first.start()):
        return True
    return _MIXED.search(text, max(first.start() - 1, 0)) is not None


def fold_confusables(text: str) -> str:
    """``text`` with every look-alike letter of the table replaced by its ASCII letter."""
    return text.translate(CONFUSABLES)
