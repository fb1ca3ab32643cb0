"""Text as the injection rules read it: decoded, de-obfuscated, lower case, one space.

``normalise`` undoes, in one linear pass each, what hides words from a pattern:

1. Unicode tag characters (an invisible copy of ASCII) are decoded (URL escapes and HTML
   entities are decoded once beforehand, by ``decode_escapes``).
2. Zero-width, invisible, bidi-control and variation-selector characters and soft hyphens are
   removed.
3. NFKC folds full-width and mathematical letters and ligatures; accents and other combining
   marks on letters are dropped ("précédentes" → "precedentes", "Ign̈ore" → "ignore").
4. Lower case; letters spelt one by one ("i g n o r e", "i-g-n-o-r-e", "I_G_N") are joined, and a
   hyphen or middle dot inside a word is dropped ("ig-nore", "dis·re·gard"); runs of spaces become one space and runs of
   blank lines one newline (line starts matter to role markers).

``views`` adds the reading with look-alike letters folded to ASCII
(``plangate.graphs.guards.confusables``) when a text mixes scripts; ``leet`` reads leetspeak
digits as letters ("1gn0re" → "ignore") when digits sit inside words; ``squash`` keeps letters
only.
Every step is a precompiled regex without nested unbounded repetition, ``str.translate`` or
``unicodedata``, so normalising is linear in the text's length.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse

from plangate.graphs.guards.confusables import fold_confusables, has_mixed_script

_TAGS = re.compile("[\U000e0000-\U000e007f]+")
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0100-\U000e01ef]"
)
"""Characters that render as nothing (zero-width, bidi controls, soft hyphen, selectors)."""

_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_LETTER = r"[^\W\d_]"
# Three or more single letters, each pair split by exactly one separator: "i g n o r e".
_SPELT = re.compile(rf"(?<!\w)(?:{_LETTER}[ .\-_*·•|/+~]){{2,}}{_LETTER}(?!\w)")
# The hyphen first and the look-behind after it: a pattern that starts with a look-behind is
# tried at every position of the text, one that starts with a character only where it occurs.
_HYPHEN = re.compile(rf"[-\u2010\u2011\u00b7\u2027\u30fb\u2022](?<={_LETTER}.)(?={_LETTER})")
_SPACES = re.compile(r"[^\S\n ][^\S\n]*| [^\S\n]+")  # any run but a lone space
_NEWLINES = re.compile(r"\n\s+")  # after a space before a newline is dropped
# A letter alone between two separators: where a spelt-out word can start (searched first,
# since a pattern that starts with a look-behind is tried at every position).
_SPELT_HINT = re.compile(r"[ .\-_*·•|/+~][^\W\d_][ .\-_*·•|/+~]")
_LEET = str.maketrans("0134578@$", "oieastbas")
_LEET_BYTES = bytes.maketrans(b"0134578@$", b"oieastbas")
_LEET_IN_WORD = re.compile(r"[0134578@$](?<=[a-z].)[0134578@$]*[a-z]")  # digit first: rare
_NOT_LETTERS = re.compile(r"[^a-z]+")
_NOT_LETTER_BYTES = bytes(set(range(256)) - set(range(ord("a"), ord("z") + 1)))


def decode_tags(text: str) -> str:
    """``text`` with Unicode tag characters (U+E0000 block) read as the ASCII they shadow."""
    return _TAGS.sub(lambda m: "".join(chr(ord(c) - 0xE0000) for c in m.group()), text)


def strip_invisible(text: str) -> str:
    """``text`` without the characters that render as nothing."""
    return INVISIBLE.sub("", text)


def decode_escapes(text: str) -> str:
    """``text`` with URL escapes and HTML entities decoded once ("ignore%20previous")."""
    if "%" in text:
        text = urllib.parse.unquote(text)
    if "&" in text:
        text = html.unescape(text)
    return text


def normalise(text: str) -> str:
    """``text`` as the patterns see it: visible characters only, NFKC, lower case, unaccented,
    whitespace collapsed (newlines kept), spelt-out words joined.

    Idempotent: ``normalise(normalise(t)) == normalise(t)`` for every ``t`` (a property test
    checks it). Escapes are not decoded here, since decoding is not idempotent: the scanner
    calls ``decode_escapes`` once first.
    """
    if max(text, default=" ") >= "\U000e0000":
        text = decode_tags(text)
    text = INVISIBLE.sub("", text)
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).lower()
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
        text = unicodedata.normalize("NFC", text)
    text = _NEWLINES.sub("\n", _SPACES.sub(" ", text).replace(" \n", "\n"))
    if hint := _SPELT_HINT.search(text):
        # A spelt run starts at most one letter and separator before the first hint.
        cut = max(hint.start() - 2, 0)
        text = text[:cut] + _SPELT.sub(lambda m: m.group()[::2], text[cut:])
    return _HYPHEN.sub("", text)


def views(text: str) -> tuple[str, ...]:
    """The normalised readings of ``text`` that the rules scan: ``normalise(text)``, then, when
    a word mixes scripts, the reading with look-alike letters folded to ASCII.

    Folding happens before lower-casing (the table is case-aware) and after invisible
    characters are dropped, so "Ι\u200bgnοre" is seen as one mixed word.
    """
    plain = normalise(text)
    if text.isascii():
        return (plain,)
    visible = INVISIBLE.sub("", decode_tags(text))
    compatible = unicodedata.normalize("NFKC", visible)
    if has_mixed_script(visible) or has_mixed_script(compatible):
        # Fold on both sides of NFKC: it maps some look-alikes away ("ϲ" to "ς") and makes
        # others (mathematical Greek "𝛂" to "α").
        folded = fold_confusables(unicodedata.normalize("NFKC", fold_confusables(visible)))
        return (plain, normalise(folded))
    return (plain,)


def leet(plain: str) -> str | None:
    """``plain`` with leetspeak digits read as letters, or None when no digit sits inside a
    word ("1gn0re", "pr3vious"; not "4pm" or "q3").
    """
    if _LEET_IN_WORD.search(plain) is None:
        return None
    if plain.isascii():  # bytes.translate is some fifty times faster than str.translate
        return plain.encode("ascii").translate(_LEET_BYTES).decode("ascii")
    return plain.translate(_LEET)


def squash(plain: str) -> str:
    """``plain`` with everything but ASCII letters removed: "i.g.n.o.r.e" → "ignore"."""
    if plain.isascii():
        return plain.encode("ascii").translate(None, _NOT_LETTER_BYTES).decode("ascii")
    return _NOT_LETTERS.sub("", plain)
