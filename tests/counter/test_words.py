"""Amounts in words, Indian system, English and Hindi."""

import pytest

from counter.words import amount_in_words, amount_in_words_en, amount_in_words_hi, number_in_words_hi


@pytest.mark.parametrize(
    ("paise", "words"),
    [
        (12345650, "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise only"),
        (0, "Rupees Zero only"),
        (1, "Rupees Zero and One Paise only"),
        (100, "Rupees One only"),
        (2242, "Rupees Twenty-Two and Forty-Two Paise only"),
        (100_000_00, "Rupees One Lakh only"),
        (1_00_00_000_00, "Rupees One Crore only"),
        (12_34_56_789_00, "Rupees Twelve Crore Thirty-Four Lakh Fifty-Six Thousand Seven Hundred Eighty-Nine only"),
        (
            123_45_67_890_99,
            "Rupees One Hundred Twenty-Three Crore Forty-Five Lakh Sixty-Seven Thousand Eight Hundred Ninety and Ninety-Nine Paise only",
        ),
        (1_01_000_00, "Rupees One Lakh One Thousand only"),
        (11_900, "Rupees One Hundred Nineteen only"),
    ],
)
def test_english(paise, words):
    assert amount_in_words_en(paise) == words


@pytest.mark.parametrize(
    ("paise", "words"),
    [
        (12345650, "एक लाख तेईस हज़ार चार सौ छप्पन रुपये और पचास पैसे मात्र"),
        (0, "शून्य रुपये मात्र"),
        (2242, "बाईस रुपये और बयालीस पैसे मात्र"),
        (1_00_00_000_00, "एक करोड़ रुपये मात्र"),
        (99_99_999_00, "निन्यानवे लाख निन्यानवे हज़ार नौ सौ निन्यानवे रुपये मात्र"),
        (2_05_00, "दो सौ पाँच रुपये मात्र"),
    ],
)
def test_hindi(paise, words):
    assert amount_in_words_hi(paise) == words


def test_hindi_has_its_own_word_for_every_number_below_100():
    words = [number_in_words_hi(n) for n in range(100)]
    assert len(set(words)) == 100
    assert [words[n] for n in (19, 29, 39, 49, 59, 69, 79, 89, 99)] == [
        "उन्नीस",
        "उनतीस",
        "उनतालीस",
        "उनचास",
        "उनसठ",
        "उनहत्तर",
        "उनासी",
        "नवासी",
        "निन्यानवे",
    ]


def test_language_switch_and_bad_input():
    assert amount_in_words(500, "hi") == "पाँच रुपये मात्र"
    assert amount_in_words(500, "en") == "Rupees Five only"
    with pytest.raises(ValueError):
        amount_in_words_en(-1)
    with pytest.raises(TypeError):
        amount_in_words_en(1.5)
