"""Who an identity is: e-mail addresses and ids matched so that no look-alike passes for another.

The loader matches learners to the roster with it, and sign-in matches the signed-in
address to the roster and the access lists with it: one rule for both.
"""

from __future__ import annotations

import unicodedata


def identity_problem(value: str) -> str | None:
    """Why an identity (an e-mail address, an id) cannot be matched safely, or None when it can.

    Identities are matched after NFKC normalisation and case folding, so ``Ana@X.com`` and
    ``ana@x.com`` are one person. A value that this changes beyond lower-casing is written with
    look-alike characters (U+212A KELVIN SIGN for 'K', fullwidth letters, ligatures, letters
    that case folding rewrites such as 'ß' -> 'ss', or combining marks): matching through them
    would let one address pass for another, so such a value is never folded into a plain one.
    """
    v = value.strip()
    if v.isascii():
        return None
    if unicodedata.normalize("NFKC", v) == v and v.casefold() == v.lower():
        return None
    odd = []
    for c in dict.fromkeys(v):
        plain = unicodedata.normalize("NFKC", c)
        if plain == c and c.casefold() != c.lower():
            plain = c.casefold()
        if plain != c:
            odd.append(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED CHARACTER')} (read as '{plain}')")
        elif unicodedata.combining(c):
            odd.append(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED CHARACTER')} (merged into the letter before it)")
    return "contains " + ", ".join(odd)


def identity_key(value: str | None) -> str | None:
    """The key an identity is matched by: trimmed, NFKC-normalised and case-folded (plain
    lower case for ASCII). None for a value with look-alike characters: it matches nobody."""
    if value is None:
        return None
    v = value.strip()
    if v.isascii():
        return v.lower()
    if identity_problem(v) is not None:
        return None
    return unicodedata.normalize("NFKC", v.casefold())
