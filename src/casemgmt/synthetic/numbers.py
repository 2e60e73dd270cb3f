"""Valid Dutch numbers for synthetic people: the BSN with its 11-proof (the one ``bsn_from`` of the package)."""

from __future__ import annotations

import random


def bsn_from(eight: int) -> str | None:
    """The BSN whose first eight digits are ``eight`` (the 11-proof fixes the ninth), or None when no digit fits."""
    digits = f"{eight:08d}"
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    check = total % 11
    if check > 9:
        return None
    number = digits + str(check)
    return None if number == "000000000" else number


def random_bsn(rng: random.Random) -> str:
    """A random valid BSN starting with 1…6, drawn digit by digit (the demo municipality's draw)."""
    while True:
        digits = [rng.randint(1, 6), *(rng.randint(0, 9) for _ in range(7))]
        number = bsn_from(int("".join(map(str, digits))))
        if number is not None:
            return number
