"""Table-driven: saved replica pages and attachments, read by `regwatch inspect`, give the fields
written beside them in tests/fixtures/replica/expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from regwatch.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "replica"
CASES = json.loads((FIXTURES / "expected.json").read_text("utf-8"))


def inspect_json(path: Path) -> dict:
    result = CliRunner().invoke(cli, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("case", [c for c in CASES if c["file"].endswith(".html")], ids=lambda c: c["file"])
def test_article_pages(case):
    info = inspect_json(FIXTURES / case["file"])
    assert info["category"] == case["category"]
    assert info["stage"] == case["stage"]
    if case["doc_number"]:
        assert info["doc_number"] == case["doc_number"]
    assert info["published"].replace("T", " ")[:16] == case["published"]
    if case["signed_date"]:
        assert info["signed_date"] == case["signed_date"]


@pytest.mark.parametrize("case", [c for c in CASES if not c["file"].endswith(".html")], ids=lambda c: c["file"])
def test_attachments_print_their_entries(case):
    info = inspect_json(FIXTURES / case["file"])
    assert info["parse"]["status"] == "ok"
    assert info["parse"]["kind"] == case["kind"]
    if case["entries"]:
        got = [(e["enterprise"], e["province"], e["type"]) for e in info["list"]["entries"]]
        assert got == [(e["enterprise"], e["province"], e["type"]) for e in case["entries"]]
    elif case.get("entries_not_white_list"):
        # a look-alike list: its table is read, but a crawl never takes it for the white list
        assert info["list"]["entries"] and all("示例" in e["enterprise"] for e in info["list"]["entries"])
    else:
        assert info["list"] is None


def test_text_output_lists_the_entries():
    result = CliRunner().invoke(cli, ["inspect", str(FIXTURES / "batch1_0.pdf")])
    assert result.exit_code == 0
    assert "list: batch 1, 5 entries" in result.output
    assert "衢州华友钴新材料有限公司" in result.output


def test_inspect_a_url_on_the_replica(replica):
    from replica.timeline import documents

    doc = next(d for d in documents(0) if d["art_id"].startswith("d50d950e"))
    result = CliRunner().invoke(cli, ["inspect", replica.miit + doc["paths"][0], "--format", "json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["doc_number"] == "工业和信息化部公告2018年第40号"
    assert info["category"] == "whitelist" and info["stage"] == "公告"


def test_inspect_an_xls_file(tmp_path):
    from tests.test_extract_attachments import make_xls

    path = tmp_path / "list.xls"
    row = {"enterprise": "湖南邦普循环科技有限公司", "province": "湖南省", "type": "再生利用"}
    header = ["序号", "省份", "企业名称", "类型"]
    path.write_bytes(make_xls([header, [1, row["province"], row["enterprise"], row["type"]]]))
    info = inspect_json(path)
    assert info["parse"]["kind"] == "xls"
    assert info["list"]["entries"] == [row]


def test_inspect_a_missing_file_is_one_line():
    result = CliRunner().invoke(cli, ["inspect", "no-such-file.pdf"])
    assert result.exit_code == 1
    assert "no such file" in result.output
