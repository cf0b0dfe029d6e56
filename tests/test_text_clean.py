"""clean_text: breaks become \\n, controls/non-characters/lone surrogates go, NFC, Chinese notes."""

import unicodedata

import pytest

from model.text_clean import clean_text


def test_clean_text_leaves_ordinary_chinese_text_alone():
    text = "一、总体情况\n\t本机关2023年主动公开政府信息 1,234 条。𠀀😀\u200f\ue000"
    assert clean_text(text) == (text, [])


def test_soft_line_break_becomes_newline_and_is_reported():
    cleaned, notes = clean_text("第一行\v第二行\v第三行")
    assert cleaned == "第一行\n第二行\n第三行"
    assert notes == ["2 处软换行（U+000B）改为换行"]


def test_unicode_separators_and_carriage_returns_become_newlines():
    cleaned, notes = clean_text("甲\u2028乙\u2029丙\r\n丁\r戊")
    assert cleaned == "甲\n乙\n丙\n丁\n戊"
    assert "2 处行/段落分隔符（U+2028、U+2029）改为换行" in notes
    assert "2 处回车（U+000D）统一为换行" in notes


def test_tab_is_kept():
    assert clean_text("名称\t数量") == ("名称\t数量", [])


def test_control_characters_are_removed_and_named():
    cleaned, notes = clean_text("响\x07铃\x00空\x0c页\x1b[0m\x7f\x85\x9f")
    assert cleaned == "响铃空页[0m"
    assert notes == ["删除了 7 个控制字符（U+0007、U+0000、U+000C、U+001B、U+007F等）"]


def test_repeated_control_character_is_named_once():
    _, notes = clean_text("\x00a\x00b\x00")
    assert notes == ["删除了 3 个控制字符（U+0000）"]


@pytest.mark.parametrize("cp", [0xFFFE, 0xFFFF, 0xFDD0, 0xFDEF, 0x1FFFE, 0x2FFFF, 0x10FFFF])
def test_noncharacters_are_removed(cp):
    cleaned, notes = clean_text(f"前{chr(cp)}后")
    assert cleaned == "前后"
    assert notes == [f"删除了 1 个 Unicode 非字符（U+{cp:04X}）"]


def test_characters_next_to_noncharacters_are_kept():
    text = "\ufdcf\ufdf0\ufffd\U0001fffd\U0010fffd"
    assert clean_text(text) == (text, [])


def test_lone_surrogates_are_removed():
    cleaned, notes = clean_text("甲\ud800乙\udfff")
    assert cleaned == "甲乙"
    assert notes == ["删除了 2 个孤立代理码元（U+D800、U+DFFF）"]


def test_surrogate_pair_in_two_code_units_becomes_its_character():
    cleaned, notes = clean_text("\ud840\udc00字")
    assert cleaned == "𠀀字"
    assert notes == ["1 对分开的代理码元合并为一个字符"]


def test_result_is_nfc_and_changes_are_counted():
    decomposed = "Cafe\u0301 e\u0301 \u1100\u1161 \uf9d1"
    cleaned, notes = clean_text(decomposed)
    assert cleaned == unicodedata.normalize("NFC", decomposed)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert notes == ["4 处字符按 Unicode 标准组合形式（NFC）统一写法"]


def test_more_than_five_distinct_controls_end_with_deng():
    _, notes = clean_text("".join(chr(c) for c in range(1, 8)))
    assert notes == ["删除了 7 个控制字符（U+0001、U+0002、U+0003、U+0004、U+0005等）"]


def test_every_code_point_comes_out_writable():
    # Every character the output formats refuse is gone, whatever the input.
    everything = "".join(chr(cp) for cp in range(0x110000))
    cleaned, _ = clean_text(everything)
    for ch in cleaned:
        cp = ord(ch)
        assert cp in (0x09, 0x0A) or 0x20 <= cp < 0x7F or cp > 0x9F
        assert not (0xD800 <= cp <= 0xDFFF)
        assert not (0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE)
    assert clean_text(cleaned) == (cleaned, [])
