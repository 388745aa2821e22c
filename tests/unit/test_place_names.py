"""Place names in English output: Hanyu Pinyin with the kind of division in English, never Chinese characters.

The names follow the official English forms: provinces and autonomous regions as the State Council
writes them (陕西 is Shaanxi, not Shanxi; 内蒙古 is Inner Mongolia), a prefecture-level city by its
name alone (杭州市 → Hangzhou), ethnic autonomous prefectures with the peoples named (恩施土家族苗族自治州
→ Enshi Tujia and Miao Autonomous Prefecture), syllables separated by an apostrophe where a syllable
starting with a, o or e would run on (西安 → Xi'an, 六安 → Lu'an), ü kept (吕梁 → Lüliang), and the
reading a place uses where a character has several (长治 → Changzhi, not Zhangzhi).
"""

from __future__ import annotations

import re

import pytest

from redline.rulebook.book import Rulebook

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@pytest.mark.parametrize(
    ("code", "english"),
    [
        ("330100", "Hangzhou"),
        ("330106", "Xihu District"),
        ("110000", "Beijing"),
        ("610000", "Shaanxi Province"),
        ("140000", "Shanxi Province"),
        ("150000", "Inner Mongolia Autonomous Region"),
        ("650000", "Xinjiang Uygur Autonomous Region"),
        ("610100", "Xi'an"),
        ("341500", "Lu'an"),
        ("141100", "Lüliang"),
        ("140400", "Changzhi"),
        ("411100", "Luohe"),
        ("230100", "Harbin"),
        ("422800", "Enshi Tujia and Miao Autonomous Prefecture"),
        ("222400", "Yanbian Korean Autonomous Prefecture"),
        ("152500", "Xilin Gol League"),
    ],
)
def test_a_division_has_its_english_name(book: Rulebook, code: str, english: str) -> None:
    assert book.divisions.name_en(code) == english


def test_the_full_english_name_runs_from_the_place_to_the_province(book: Rulebook) -> None:
    assert book.divisions.full_name_en("330106") == "Xihu District, Hangzhou, Zhejiang Province"
    assert book.divisions.full_name_en("110105") == "Chaoyang District, Beijing"


def test_no_english_division_name_holds_a_chinese_character(book: Rulebook) -> None:
    codes = [d.code for d in book.divisions.all()]
    assert len(codes) > 3000
    leftovers = {
        code: book.divisions.full_name_en(code)
        for code in codes
        if CJK.search(book.divisions.full_name_en(code)) or not book.divisions.full_name_en(code)
    }
    assert leftovers == {}
