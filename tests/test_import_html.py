"""Import of reports published as web pages: saved pages in any encoding, pages saved as one .mhtml file,
HTML from the clipboard; tables read by their cells, portal chrome left out."""

import base64
import email.policy
import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image

from model.importers import ImportError_, import_file
from model.importers.html import import_html_text
from model.state import ReportState

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"  # the published reports as users meet them (README there)
SHUYANG_FGJ = CORPUS / "shuyang-fgj_2023.html"

# Hand-checked against the page (its <table> cells, read in a browser): 沭阳县发展和改革局 2023.
# Table 三 holds numbers only in the 自然人 and 总计 columns; the five 法人或其他组织 columns are blank cells.
FGJ_NATURAL = {"new": 26, "carried_in": 0, "disclosed": 26, "carried_out": 0}
FGJ_S3_ROWS = ["new", "carried_in", "disclosed", "partial", "withheld_secret", "withheld_prohibited",
               "withheld_security", "withheld_third_party", "withheld_internal", "withheld_process",
               "withheld_enforcement_file", "withheld_query", "unable_not_held", "unable_needs_creation",
               "unable_unclear", "not_processed_petition", "not_processed_repeated", "not_processed_publication",
               "not_processed_massive", "not_processed_confirmation", "other_no_correction", "other_no_fee",
               "other_other", "carried_out"]
FGJ_EXPECTED = {
    "s2.rules.issued": 0, "s2.rules.abolished": 0, "s2.rules.in_force": 0,
    # the page labels this row 规范性文件, not the official 行政规范性文件 (an alias in the format file)
    "s2.normative_docs.issued": 8, "s2.normative_docs.abolished": 0, "s2.normative_docs.in_force": 18,
    "s2.licensing.decisions": 0, "s2.penalty.p_decisions": 0, "s2.enforcement.p_decisions": 0,
    "s2.fees.fee_amount": 0,
    **{f"s3.{row}.natural": FGJ_NATURAL.get(row, 0) for row in FGJ_S3_ROWS},
    "s4.review.upheld": 0, "s4.review.corrected": 0, "s4.review.other": 0, "s4.review.pending": 1,
    **{f"s4.{g}.{c}": 0 for g in ("litigation_direct", "litigation_after_review")
       for c in ("upheld", "corrected", "other", "pending")},
}
FGJ_BLANK = {f"s3.{row}.{col}" for row in FGJ_S3_ROWS
             for col in ("commercial", "research", "public_welfare", "legal_service", "other")}


def flagged_paths(state, report) -> set[str]:
    said = set(report.missing) | set(report.ambiguous)
    return {p for p, info in state.spec.cells.items() if info.label in said}


def test_a_saved_portal_page_imports_with_every_cell_exact_or_flagged():
    draft, report = import_file(SHUYANG_FGJ)
    state = ReportState(draft)
    flagged = flagged_paths(state, report)
    assert draft.meta.agency == "沭阳县发展和改革局" and draft.meta.year == 2023
    assert str(draft.meta.publication_date) == "2024-01-17"
    wrong = [p for p, want in FGJ_EXPECTED.items() if p not in flagged and state.value(p) != want]
    assert wrong == []
    # the blank 法人 cells stay unfilled and are listed; the row labelled 规范性文件 is read as 行政规范性文件
    assert FGJ_BLANK <= flagged and all(state.value(p) is None for p in FGJ_BLANK)
    assert not any("规范性文件" in a for a in report.ambiguous)
    assert [state.value(f"s2.normative_docs.{c}") for c in ("issued", "abolished", "in_force")] == [8, 0, 18]
    # every cell that was read is right
    read = [p for p in FGJ_EXPECTED if p not in flagged]
    assert len(read) >= 40


def test_a_portal_page_keeps_headings_paragraphs_and_leaves_the_portal_out():
    draft, _ = import_file(SHUYANG_FGJ)
    s1 = draft.narrative["s1"]
    assert [b.text for b in s1 if b.type == "heading"][:2] == ["（一）主动公开政府信息情况", "（二）依申请公开政府信息情况"]
    # section 五 is worded its own way on the page (存在的主要问题及整改措施) and is still found
    assert draft.narrative["s5"][0].text.startswith("（一）存在的主要问题。")
    assert [b.text for b in draft.narrative["s6"]] == ["2023年度，县发展和改革局政府信息公开未发生收费情况。"]
    everything = " ".join(getattr(b, "text", "") for blocks in [draft.preamble, *draft.narrative.values()]
                          for b in blocks)
    for chrome in ("索引号", "文件下载", "办事服务", "智能问答", "繁體版", "适老化", "采集时间"):
        assert chrome not in everything
    assert draft.preamble[0].text.startswith("根据《中华人民共和国政府信息公开条例》")


def _page(body: str, charset_meta: str = "") -> str:
    return (f"<html><head>{charset_meta}<title>某某县财政局2024年政府信息公开工作年度报告</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/gk'>政务公开</a></div>"
            f"<div class='content'><h1>某某县财政局2024年政府信息公开工作年度报告</h1>{body}</div>"
            "<div class='footer'>主办单位：某某县人民政府办公室 <a>附件下载</a></div></body></html>")


SMALL_BODY = """
<p>一、总体情况</p><p>本年度，我局认真落实条例。</p>
<p>二、主动公开政府信息情况</p>
<table border=1><tr><td colspan=4>第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>行政规范性文件</td><td>3</td><td>1</td><td>12</td></tr>
<tr><td colspan=4>第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td colspan=3>本年收费金额（单位：万元）</td></tr>
<tr><td>行政事业性收费</td><td colspan=3>1,234.5</td></tr></table>
<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>
<p>五、存在的主要问题及改进情况</p><p>问题一。</p>
<img src="data:image/png;base64,{png}" alt="图表"><p>图1 公开数量</p>
<p>六、其他需要报告的事项</p><p>无。</p><p>某某县财政局</p><p>2025年1月20日</p>
"""


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("encoding,declared", [("gbk", True), ("gbk", False), ("gb18030", False), ("utf-8", False)])
def test_saved_pages_in_gbk_or_utf8_declared_or_not_read_the_same(tmp_path, encoding, declared):
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">' if declared else ""
    html = _page(SMALL_BODY.replace("{png}", base64.b64encode(_png()).decode()), meta)
    path = tmp_path / "report.htm"
    path.write_bytes(html.encode(encoding))
    draft, report = import_file(path)
    state = ReportState(draft)
    assert draft.meta.agency == "某某县财政局" and draft.meta.year == 2025 - 1
    assert state.value("s2.normative_docs.in_force") == 12 and state.value("s2.normative_docs.issued") == 3
    assert str(state.value("s2.fees.fee_amount")) == "1234.5"
    figure = [b for b in draft.narrative["s5"] if b.type == "figure"][0]
    assert figure.caption == "图1 公开数量" and base64.b64decode(figure.image) == _png()
    everything = " ".join(getattr(b, "text", "") for bl in draft.narrative.values() for b in bl)
    assert "主办单位" not in everything and "附件下载" not in everything and "首页" not in everything
    assert [b.text for b in draft.narrative["s6"]] == ["无。"]


def test_a_page_saved_as_mhtml_by_the_browser_imports_with_its_pictures(tmp_path):
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = "<Saved by Blink>"
    message["Subject"] = "report"
    message["MIME-Version"] = "1.0"
    message.make_related()
    page = _page(SMALL_BODY.replace("data:image/png;base64,{png}", "https://www.example.gov.cn/chart.png"),
                 '<meta charset="gbk">')
    html_part = EmailMessage(policy=email.policy.SMTP)
    html_part.set_content(page, subtype="html", charset="utf-8", cte="quoted-printable")
    html_part["Content-Location"] = "https://www.example.gov.cn/nb.html"
    message.attach(html_part)
    image_part = EmailMessage(policy=email.policy.SMTP)
    image_part.set_content(_png(), maintype="image", subtype="png")
    image_part["Content-Location"] = "https://www.example.gov.cn/chart.png"
    message.attach(image_part)
    path = tmp_path / "年报.mhtml"
    path.write_bytes(message.as_bytes())
    draft, _ = import_file(path)
    assert ReportState(draft).value("s2.normative_docs.abolished") == 1
    figure = [b for b in draft.narrative["s5"] if b.type == "figure"][0]
    assert base64.b64decode(figure.image) == _png() and figure.mime == "image/png"


def test_html_from_the_clipboard_imports_like_a_saved_page():
    draft, _ = import_html_text(_page(SMALL_BODY.replace("{png}", "")), "剪贴板中的网页")
    assert ReportState(draft).value("s2.rules.issued") == 0 and draft.meta.agency == "某某县财政局"


def test_a_page_that_is_not_a_report_is_refused_in_chinese(tmp_path):
    path = tmp_path / "news.html"
    path.write_text("<html><body><p>今日新闻</p><table><tr><td>1</td></tr></table></body></html>", "utf-8")
    with pytest.raises(ImportError_, match="news.html.*没有找到年报的各部分标题"):
        import_file(path)


def test_gui_import_offers_pasting_a_report_copied_from_a_web_page(qtbot, monkeypatch):
    from tests.modal_helpers import on_modal
    from PySide6.QtCore import QMimeData, QStandardPaths, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    from gui import dialogs
    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.drafts_io import load_draft

    QStandardPaths.setTestModeEnabled(True)
    window = MainWindow(ReportController(ReportState(load_draft(Path(__file__).resolve().parent.parent
                                                                 / "seeds" / "sample-2024.json"))))
    qtbot.addWidget(window)
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "ask_source_path", lambda *a: pytest.fail("the file dialog was opened"))
    shown = []
    monkeypatch.setattr(dialogs, "show_report", lambda parent, title, text: shown.append(text) or True)
    mime = QMimeData()
    mime.setHtml(SHUYANG_FGJ.read_text("utf-8"))
    mime.setText("沭阳县发展和改革局2023年政府信息公开年度报告")
    QApplication.clipboard().setMimeData(mime)

    def click_paste(box):
        assert isinstance(box, QMessageBox)
        button = next(b for b in box.findChildren(QPushButton) if b.text() == "从网页粘贴")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    failures: list[str] = []
    on_modal(click_paste, failures)
    window.import_report()
    assert not failures
    QApplication.clipboard().clear()
    state = window.controller.state
    assert state.meta.agency == "沭阳县发展和改革局" and state.value("s3.new.natural") == 26
    assert shown and "来源：剪贴板中的网页内容" in shown[0]
    window.controller.undo_stack.setClean()
    window.close()
