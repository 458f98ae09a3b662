"""Arabic names for demo data (from Faker's Arabic locales) and a simple Latin spelling."""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

# One common, deliberately plain romanisation; real lists spell the same name several ways.
_LATIN = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "aa", "ء": "", "ؤ": "u", "ئ": "i", "ب": "b", "ت": "t",
    "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s",
    "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a",
    " ": " ", "ـ": "",
}  # fmt: skip


def romanise(arabic: str) -> str:
    """A readable Latin spelling of an Arabic name, word by word."""
    words = []
    for word in arabic.split():
        if word.startswith("ال") and len(word) > 2:
            words.append("Al-" + romanise(word[2:]))
            continue
        latin = "".join(_LATIN.get(ch, "") for ch in word)
        words.append(latin[:1].upper() + latin[1:])
    return " ".join(w for w in words if w)


# Family names common in the Gaza Strip, added to Faker's Palestinian list for variety.
GAZA_FAMILY_NAMES = (
    "أبو شمالة", "الأغا", "الفرا", "أبو ستة", "حلس", "الشوا", "السقا", "أبو حصيرة", "الكرد",
    "أبو ندى", "المصري", "الحلو", "عياد", "شراب", "النجار", "أبو عودة", "البطش", "الغول",
    "أبو جزر", "قديح", "أبو طه", "الزعانين", "أبو سلمية", "عاشور", "المدهون", "اللحام",
    "أبو مصطفى", "الهباش", "بربخ", "الشاعر", "أبو لبدة", "صيام", "حمد", "أبو الكاس",
)  # fmt: skip


@dataclass(frozen=True)
class NamePools:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]

    def given(self, rng: random.Random, sex: str) -> str:
        return rng.choice(self.female if sex == "F" else self.male)


def name_pools(seed: int) -> NamePools:
    """Pools of Arabic given and family names, the same for the same seed."""
    fake = Faker(["ar_PS", "ar_SA"])
    fake.seed_instance(seed)
    male = {fake["ar_PS"].first_name_male() for _ in range(1500)}
    female = {fake["ar_PS"].first_name_female() for _ in range(800)}
    female |= {fake["ar_SA"].first_name_female() for _ in range(800)}
    family = {fake["ar_PS"].last_name() for _ in range(400)} | set(GAZA_FAMILY_NAMES)
    return NamePools(
        male=tuple(sorted(male)), female=tuple(sorted(female)), family=tuple(sorted(family))
    )
