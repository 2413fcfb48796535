"""Amounts in words, Indian system (thousand, lakh, crore), in English and Hindi.

    amount_in_words_en(12345650) -> "Rupees One Lakh Twenty-Three Thousand Four Hundred
                                     Fifty-Six and Fifty Paise only"
    amount_in_words_hi(12345650) -> "एक लाख तेईस हज़ार चार सौ छप्पन रुपये और पचास पैसे मात्र"

Above 99 crore the crore count is itself said in words ("One Hundred Crore").
Hindi has a separate word for each number below 100, so it is a table, not rules.
"""

from __future__ import annotations

_EN_UNITS = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
]
_EN_TENS = ["_", "_", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]

_HI_0_99 = [
    "शून्य",
    "एक",
    "दो",
    "तीन",
    "चार",
    "पाँच",
    "छह",
    "सात",
    "आठ",
    "नौ",
    "दस",
    "ग्यारह",
    "बारह",
    "तेरह",
    "चौदह",
    "पंद्रह",
    "सोलह",
    "सत्रह",
    "अठारह",
    "उन्नीस",
    "बीस",
    "इक्कीस",
    "बाईस",
    "तेईस",
    "चौबीस",
    "पच्चीस",
    "छब्बीस",
    "सत्ताईस",
    "अट्ठाईस",
    "उनतीस",
    "तीस",
    "इकतीस",
    "बत्तीस",
    "तैंतीस",
    "चौंतीस",
    "पैंतीस",
    "छत्तीस",
    "सैंतीस",
    "अड़तीस",
    "उनतालीस",
    "चालीस",
    "इकतालीस",
    "बयालीस",
    "तैंतालीस",
    "चौवालीस",
    "पैंतालीस",
    "छियालीस",
    "सैंतालीस",
    "अड़तालीस",
    "उनचास",
    "पचास",
    "इक्यावन",
    "बावन",
    "तिरेपन",
    "चौवन",
    "पचपन",
    "छप्पन",
    "सत्तावन",
    "अट्ठावन",
    "उनसठ",
    "साठ",
    "इकसठ",
    "बासठ",
    "तिरेसठ",
    "चौंसठ",
    "पैंसठ",
    "छियासठ",
    "सड़सठ",
    "अड़सठ",
    "उनहत्तर",
    "सत्तर",
    "इकहत्तर",
    "बहत्तर",
    "तिहत्तर",
    "चौहत्तर",
    "पचहत्तर",
    "छिहत्तर",
    "सतहत्तर",
    "अठहत्तर",
    "उनासी",
    "अस्सी",
    "इक्यासी",
    "बयासी",
    "तिरासी",
    "चौरासी",
    "पचासी",
    "छियासी",
    "सत्तासी",
    "अट्ठासी",
    "नवासी",
    "नब्बे",
    "इक्यानवे",
    "बानवे",
    "तिरानवे",
    "चौरानवे",
    "पचानवे",
    "छियानवे",
    "सत्तानवे",
    "अट्ठानवे",
    "निन्यानवे",
]
assert len(_HI_0_99) == 100

_EN_SCALE = {"hundred": "Hundred", "thousand": "Thousand", "lakh": "Lakh", "crore": "Crore"}
_HI_SCALE = {"hundred": "सौ", "thousand": "हज़ार", "lakh": "लाख", "crore": "करोड़"}


def _en_below_100(n: int) -> str:
    if n < 20:
        return _EN_UNITS[n]
    tens, units = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_UNITS[units]}" if units else "")


def _hi_below_100(n: int) -> str:
    return _HI_0_99[n]


def _indian_words(n: int, below_100, scale: dict[str, str]) -> list[str]:
    """Words for n >= 1 in the Indian system: crore, lakh, thousand, hundred, rest."""
    words: list[str] = []
    crore, n = divmod(n, 10_000_000)
    if crore:
        words += _indian_words(crore, below_100, scale) + [scale["crore"]]
    lakh, n = divmod(n, 100_000)
    if lakh:
        words += [below_100(lakh), scale["lakh"]]
    thousand, n = divmod(n, 1000)
    if thousand:
        words += [below_100(thousand), scale["thousand"]]
    hundred, n = divmod(n, 100)
    if hundred:
        words += [below_100(hundred), scale["hundred"]]
    if n:
        words.append(below_100(n))
    return words


def number_in_words_en(n: int) -> str:
    if n < 0:
        return "Minus " + number_in_words_en(-n)
    return " ".join(_indian_words(n, _en_below_100, _EN_SCALE)) if n else _EN_UNITS[0]


def number_in_words_hi(n: int) -> str:
    if n < 0:
        return "ऋण " + number_in_words_hi(-n)
    return " ".join(_indian_words(n, _hi_below_100, _HI_SCALE)) if n else _HI_0_99[0]


def _split(paise: int) -> tuple[int, int]:
    if not isinstance(paise, int) or isinstance(paise, bool):
        raise TypeError("money is an integer number of paise")
    if paise < 0:
        raise ValueError("an amount in words is never negative")
    return divmod(paise, 100)


def amount_in_words_en(paise: int) -> str:
    rupees, rest = _split(paise)
    text = f"Rupees {number_in_words_en(rupees)}"
    if rest:
        text += f" and {number_in_words_en(rest)} Paise"
    return text + " only"


def amount_in_words_hi(paise: int) -> str:
    rupees, rest = _split(paise)
    text = f"{number_in_words_hi(rupees)} रुपये"
    if rest:
        text += f" और {number_in_words_hi(rest)} पैसे"
    return text + " मात्र"


def amount_in_words(paise: int, language: str) -> str:
    return amount_in_words_hi(paise) if language.startswith("hi") else amount_in_words_en(paise)
