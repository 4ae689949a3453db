"""Phonetic matching of Belgian last names (French, Dutch, German, Italian, Slavic, Turkish, Arabic).

Pure functions, no database. Callers rely on three things:

- `normalise(name)`: lower case, accents stripped (Ü -> u, ç -> c, ß -> ss, ł -> l, Turkish ı -> i),
  and everything but the letters a-z dropped, so particles glue: "Van den Berghe", "Vandenberghe" and
  "VANDENBERGHE" are one name, as are "El Amrani"/"ELAMRANI", "D'Hondt"/"Dhondt", "De La Croix"/"Delacroix".
- `keys(name)` -> (key, skeleton): two strings to store and look up by equality.
  The *key* rewrites the normalised name by sound, in this order:
    ç -> s; Dutch ij -> y; sch, sh, ch -> s; ph -> f; ck, qu, q -> k; x -> ks; c before e/i/y -> s,
    other c -> k; dt -> t; z -> s; bv -> v (Lefebvre = Lefèvre); w -> v; dj -> j; h is dropped (silent in
    French: Mohammed = Moammed, D'Hondt = Dont); doubled letters collapse (Janssens = Jansens); every run of
    vowels (a e i o u y) becomes one "a" (Peeters = Pieters, Wouters = Wauters, Claes = Claeys, Maes = Maas,
    Müller = Mueller, Mohamed = Muhammad); a final d sounds t (Dupond = Dupont); a final vowel is dropped
    (the mute French e: Vandenberghe = Vandenberg).
  The *skeleton* is coarser: the key's consonants only, voiced and voiceless pairs merged (b/p, d/t, g/k,
  v/f), and a final s dropped when two consonants remain (the Dutch genitive: Janssens = Janssen,
  Schmitz = Schmidt). Near spellings meet on one of the two, through an index.
- `similarity(a, b)`: Jaro-Winkler (rapidfuzz's Jaro) on the normalised names, in [0, 1], to rank
  candidates and to drop the far ones among them (`KEY_THRESHOLD` for those that met on the key,
  `SKELETON_THRESHOLD`, stricter, for those that met on the skeleton alone).
"""

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Jaro

KEY_LENGTH = 40
# Below these closenesses a candidate is noise: Claes and Cools share the skeleton "kl", and vowel
# folding gives Yilmaz and El Moussaoui the same key "almas".
KEY_THRESHOLD = 0.7
SKELETON_THRESHOLD = 0.8

_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "ı": "i", "đ": "d", "ð": "d", "þ": "th", "ĳ": "ij"}
)
_NOT_LETTERS = re.compile(r"[^a-z]+")
_SOUND_RULES = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        ("ij", "y"),
        ("sch", "s"),
        ("sh", "s"),
        ("ch", "s"),
        ("ph", "f"),
        ("ck", "k"),
        ("qu", "k"),
        ("q", "k"),
        ("x", "ks"),
        ("c(?=[eiy])", "s"),
        ("c", "k"),
        ("dt", "t"),
        ("z", "s"),
        ("bv", "v"),
        ("w", "v"),
        ("dj", "j"),
        ("h", ""),
        (r"(.)\1+", r"\1"),
        ("[aeiouy]+", "a"),
        ("d$", "t"),
    )
]
_VOICING = str.maketrans({"b": "p", "d": "t", "g": "k", "v": "f"})


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """Lower case a-z only: accents stripped, particles, spaces, hyphens and apostrophes glued."""
    lowered = (name or "").lower().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_LETTERS.sub("", stripped)


@lru_cache(maxsize=65536)
def keys(name: str) -> tuple[str, str]:
    """(phonetic key, skeleton) of a last name; both empty when the name has no letter at all."""
    sound = normalise((name or "").replace("ç", "s").replace("Ç", "S"))
    for pattern, replacement in _SOUND_RULES:
        sound = pattern.sub(replacement, sound)
    if len(sound) > 1 and sound.endswith("a"):
        sound = sound[:-1]
    skeleton = re.sub(r"(.)\1+", r"\1", sound.replace("a", "").translate(_VOICING))
    if len(skeleton) > 2 and skeleton.endswith("s"):
        skeleton = skeleton[:-1]
    return sound[:KEY_LENGTH], (skeleton or sound)[:KEY_LENGTH]


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two strings (1.0 when equal, 0.0 when nothing matches).

    The Jaro part is rapidfuzz's. The Winkler bonus (0.1 for each of up to four common first letters) is
    added here whatever the Jaro score, as this register always did: rapidfuzz's JaroWinkler adds it
    only above 0.7, which would drop candidates that the thresholds above were tuned to keep.
    """
    jaro = Jaro.similarity(a, b)
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def similarity(a: str, b: str) -> float:
    """Closeness of two names after normalisation, in [0, 1]."""
    return jaro_winkler(normalise(a), normalise(b))


def first_name_similarity(wanted: str, first_names: str) -> float:
    """How well a searched first name matches a person's first names: the best of the whole and each one."""
    target = normalise(wanted)
    candidates = [normalise(part) for part in first_names.split()] + [normalise(first_names)]
    return max((jaro_winkler(target, candidate) for candidate in candidates if candidate), default=0.0)
