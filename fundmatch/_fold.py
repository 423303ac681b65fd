"""One text folding for everything fundmatch compares: place names and the vocabulary's words.

Case-folded (so Greek final sigma and German ß compare like their other forms), accents stripped, and the
letters that carry no accent to strip (``ł``, ``ø``, ``æ``, ``œ``, ``đ``, ``ð``, ``þ``, ``ı``, ``ħ``) spelt out,
so that what an officer types without special letters meets what the data writes with them.
"""

from __future__ import annotations

import re
import unicodedata

# Lower case only: `fold` case-folds first.
_SPELL_OUT = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
)


# Invisible format characters that text pasted from a word processor, a PDF or a web page carries inside words:
# the soft hyphen ("Sprach\u00adkurse"), zero-width spaces and joiners, the word joiner, direction marks and
# embeddings, the byte-order mark. Left in, they split a word in two, and neither half is a term.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x180E,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        0xFEFF,
    ]
)


# A regex scan is C-speed; str.translate looks up every character of a long text (a third of a millisecond).
_INVISIBLE_RE = re.compile("[" + "".join(chr(c) for c in _INVISIBLE) + "]")


def visible(text: str) -> str:
    """``text`` without the invisible format characters that break words (soft hyphens, zero-width spaces)."""
    return _INVISIBLE_RE.sub("", text) if not text.isascii() and _INVISIBLE_RE.search(text) else text


def fold(text: str) -> str:
    """Case-fold, spell out, strip accents: the form in which texts are compared."""
    if text.isascii():
        # ASCII has nothing to spell out or decompose (NFKD leaves it alone): the same result, faster.
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPELL_OUT))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
