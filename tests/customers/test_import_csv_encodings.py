from __future__ import annotations

import pytest

from huifang.customers.imports.reader import ImportFileError
from huifang.customers.models import Contact, Customer
from tests.conftest import Org
from tests.customers.builders import csv_bytes, run_import, start

ROWS = [
    ["客户姓名", "公司", "手机号码", "所在城市"],
    ["曾小东", "东莞鑫源机械制造有限公司", "13800138000", "东莞"],
    ["欧阳娜娜", "厦门嘉禾商贸有限公司", "139-0013-9000", "厦门"],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("gbk", ","), ("gb18030", ","), ("gbk", "\t")],
)
def test_it_reads_csv_in_every_encoding_chinese_excel_writes(
    org: Org, encoding: str, delimiter: str
) -> None:
    job = run_import(org.admin, csv_bytes(ROWS, encoding=encoding, delimiter=delimiter), "客户.csv")
    assert job.headers == ["客户姓名", "公司", "手机号码", "所在城市"]
    assert job.counts()["created"] == 2
    assert set(Customer.objects.values_list("name", "city")) == {
        ("曾小东", "东莞"),
        ("欧阳娜娜", "厦门"),
    }
    assert Contact.objects.filter(phone="+8613900139000").exists()


def test_it_keeps_characters_only_gb18030_can_hold(org: Org) -> None:
    rows = [["姓名", "手机"], ["𠀀先生", "13800138000"]]
    run_import(org.admin, csv_bytes(rows, encoding="gb18030"), "客户.csv")
    assert Customer.objects.get().name == "𠀀先生"


def test_it_explains_a_file_that_is_no_text_at_all(org: Org) -> None:
    with pytest.raises(ImportFileError, match="CSV 文件既不是 UTF-8 也不是 GBK 编码"):
        start(org.admin, b"\xff\xfe\xff\x00\x81" * 20, "客户.csv")


def test_it_explains_an_excel_file_that_is_not_one(org: Org) -> None:
    with pytest.raises(ImportFileError, match="无法读取这个文件"):
        start(org.admin, b"PK\x03\x04 this is not a workbook", "客户.xlsx")
