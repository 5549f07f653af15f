"""Author strings ("Given Family") to CSL names: particles, suffixes, lists in one string."""

from __future__ import annotations

from .model import Name

# Lower-case particles stand apart from the family name ("van der Berg" sorts under B); capitalised
# ones ("Le Cun", "De Sa", "Del Mundo") are part of the family name, as the people write them.
PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "di",
    "da",
    "do",
    "dos",
    "du",
    "la",
    "le",
    "ten",
    "ter",
    "zu",
    "y",
}
CAPITAL_PARTICLES = {"Le", "De", "Del", "Della", "Di", "Da", "Du", "La", "Van", "Von", "Dos"}
SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}


def split_authors(raw: str) -> list[str]:
    """One record string may hold several authors ("A B, C D, E F"); "Family, Given" stays one."""
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        return parts
    return [raw.strip()] if raw.strip() else []


def parse(raw: str) -> Name:
    """Parse one author: "Given [particles] Family [Suffix]", or "Family, Given"."""
    raw = " ".join(raw.split())
    head, _, tail = raw.rpartition(",")
    if head and tail.strip() in SUFFIXES:  # "Martin Luther King, Jr."
        name = parse(head)
        name["suffix"] = tail.strip()
        return name
    if "," in raw:
        family, given = (s.strip() for s in raw.split(",", 1))
        return _person(given.split(), family.split())
    words = raw.split()
    suffix = words.pop() if len(words) > 2 and words[-1] in SUFFIXES else ""
    if len(words) == 1:
        name = Name(family=words[0])
    else:
        # the family name starts at the first particle after the first given name
        start = len(words) - 1
        for i in range(1, len(words) - 1):
            if words[i] in PARTICLES or words[i] in CAPITAL_PARTICLES:
                start = i
                break
        name = _person(words[:start], words[start:])
    if suffix:
        name["suffix"] = suffix
    return name


def _person(given: list[str], family: list[str]) -> Name:
    particles: list[str] = []
    while len(family) > 1 and family[0] in PARTICLES:
        particles.append(family.pop(0))
    name = Name(family=" ".join(family))
    if given:
        name["given"] = " ".join(given)
    if particles:
        name["non-dropping-particle"] = " ".join(particles)
    return name


def organisation(raw: str) -> Name:
    """An institution as author ("NVIDIA")."""
    return Name(literal=" ".join(raw.split()))
