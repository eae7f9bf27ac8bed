"""Supplier files as procurement keeps them: CSV (UTF-8, BOM or GBK), XLSX or plain text, with a
name column and optional English name, supplier id, contract reference and owner e-mail."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".csv", ".xlsx", ".txt")
# Header spellings accepted for each field, compared case-insensitively.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "供应商", "供应商名称", "单位名称", "公司名称", "name", "supplier", "enterprise", "company",
             "name_zh", "chinese name"),
    "name_en": ("english name", "name_en", "英文名称", "english", "name (english)"),
    "supplier_id": ("supplier id", "supplier_id", "供应商编号", "vendor id", "vendor_id", "id"),
    "contract_ref": ("contract", "contract ref", "contract_ref", "合同编号", "contract reference"),
    "owner_email": ("owner", "owner email", "owner_email", "负责人邮箱", "email", "e-mail"),
}


@dataclass(frozen=True)
class SupplierRow:
    name: str
    name_en: str = ""
    supplier_id: str = ""
    contract_ref: str = ""
    owner_email: str = ""

    @property
    def query(self) -> str:
        """The name to match: the Chinese one, else the English one."""
        return self.name or self.name_en


def read_supplier_args(args: list[str]) -> list[str]:
    """Each argument is a name, or a .csv/.xlsx/.txt file of names (a name column, else the first)."""
    return [row.query for row in read_supplier_rows(args)]


def read_supplier_rows(args: list[str]) -> list[SupplierRow]:
    rows: list[SupplierRow] = []
    for arg in args:
        path = Path(arg)
        if path.suffix.lower() in SUFFIXES:
            if not path.is_file():
                raise ValueError(f"supplier file {arg} does not exist")
            rows.extend(_rows_from_file(path))
        elif arg.strip():
            rows.append(SupplierRow(arg.strip()))
    return [r for r in rows if r.query]


def _from_table(table: list[list[str]]) -> list[SupplierRow]:
    if not table:
        return []
    header = [str(c or "").strip().lower() for c in table[0]]
    where = {f: next((header.index(s) for s in spellings if s in header), None) for f, spellings in COLUMNS.items()}
    if where["name"] is None and where["name_en"] is None:
        return [SupplierRow(str(r[0] or "").strip()) for r in table if r and str(r[0] or "").strip()]

    def cell(row: list[str], field: str) -> str:
        col = where[field]
        return str(row[col] or "").strip() if col is not None and col < len(row) else ""

    return [SupplierRow(**{f: cell(r, f) for f in COLUMNS}) for r in table[1:]]


def _rows_from_file(path: Path) -> list[SupplierRow]:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return [SupplierRow(line.strip()) for line in path.read_text("utf-8-sig").splitlines() if line.strip()]
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        return _from_table(list(csv.reader(io.StringIO(text))))
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    table = [[("" if c is None else str(c)) for c in row] for row in wb.active.iter_rows(values_only=True)]
    wb.close()
    return _from_table(table)
