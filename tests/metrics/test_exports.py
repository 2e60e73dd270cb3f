"""Pilot exports: CSV columns and values, the Excel-NL variant, XLSX with its definitions sheet, formula
neutralisation, the audit event; plus the pure cell formatting."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client
from casemgmt.metrics.engine import SHARE_MEASURE_CODES, pilot_metrics
from casemgmt.metrics.exports import (
    DEFINITIONS,
    DOSSIER_COLUMNS,
    MEASURE_COLUMNS,
    csv_cell,
    csv_chunks,
    format_number,
    measure_rows,
    neutralise,
)
from casemgmt.metrics.results import PilotMetrics
from tests.worlds.metrics import FROM, NOW, TO

pytestmark = pytest.mark.anyio

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
async def evaluator_headers(make_user, make_token):
    return await make_token(await make_user("evaluator"))


def read_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def pseudonym_of(built, name: str) -> str:
    dossier = built.dossiers[name]
    return next(c.pseudonym for c in built.clients if c.id == dossier.client_id)


async def test_measures_csv(client, built, evaluator_headers):
    response = await client.get("/api/v1/pilots/proef/export.csv", params=MARCH, headers=evaluator_headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"  # once, not repeated
    assert 'attachment; filename="proef-measures-2026-03-01_2026-03-31.csv"' == response.headers["content-disposition"]
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = read_csv(response.content.decode("utf-8"))
    assert tuple(rows[0]) == MEASURE_COLUMNS
    table = {(row[0], row[2]): dict(zip(MEASURE_COLUMNS, row, strict=True)) for row in rows[1:]}
    for measure in SHARE_MEASURE_CODES:
        assert (measure, "pilot") in table and (measure, "control") in table
    # 3 closed pilot dossiers: withheld, with the comparison, the cost and the ICER (metrics/disclosure.py)
    resolved = table[("resolved_share", "pilot")]
    assert (resolved["count"], resolved["n"], resolved["value"], resolved["difference"]) == ("", "", "", "")
    assert (resolved["target"], resolved["target_status"], resolved["suppressed"]) == ("0.75", "", "1")
    assert resolved["label"] == "Dossiers opgelost"
    assert table[("cost_per_dossier", "pilot")]["value"] == "" and table[("cost_per_dossier", "pilot")]["suppressed"]
    assert table[("icer", "")]["label"].endswith("resolved_share (suppressed)")
    assert table[("delta_cost_per_dossier", "")]["value"] == ""
    # 6 inbound contacts in the pilot cohort: shown, not flagged; its comparison withheld (3 in the control)
    transfer = table[("transfer_share", "pilot")]
    assert (transfer["count"], transfer["n"], transfer["value"]) == ("2", "6", "0.333333")
    assert transfer["difference"] == "" and transfer["suppressed"] == "1"  # the row's comparison is withheld
    assert table[("hours", "pilot")]["suppressed"] == "1" and table[("hours", "pilot")]["value"] == ""


def scaled(document: dict, factor: int) -> PilotMetrics:
    """The recorded March document with every count and n multiplied by ``factor`` (nothing small any more)."""
    keys = {"count", "n", "dossiers", "closed", "resolved", "n_pilot", "n_control", "per_arm_n"}

    def walk(node):
        if isinstance(node, dict):
            return {k: v * factor if k in keys and isinstance(v, int) else walk(v) for k, v in node.items()}
        return node

    return PilotMetrics.from_json(walk(document))


async def test_measures_rows_write_every_figure_when_nothing_is_small(db, built):
    async with db() as session:
        document = (await pilot_metrics(session, built.pilot, FROM, TO, NOW)).to_json()
    rows = read_csv(b"".join(csv_chunks(MEASURE_COLUMNS, measure_rows(scaled(document, 10)))).decode())
    table = {(row[0], row[2]): dict(zip(MEASURE_COLUMNS, row, strict=True)) for row in rows[1:]}
    resolved = table[("resolved_share", "pilot")]
    assert (resolved["count"], resolved["n"], resolved["value"]) == ("20", "30", "0.666667")
    assert (resolved["target"], resolved["target_status"], resolved["suppressed"]) == ("0.75", "undecided", "0")
    assert resolved["difference"] == "0.166667" == table[("resolved_share", "control")]["difference"]
    assert resolved["p_holm"] == resolved["p_value"] != ""
    # a negative difference stays a number, not a neutralised text
    assert table[("transfer_share", "pilot")]["difference"] == "-0.333333"
    assert table[("cost_per_dossier", "pilot")]["value"] == "1886.25"
    assert table[("cost_per_dossier", "control")]["value"] == "73"
    assert table[("days_to_close_median", "control")]["value"] == "6"
    assert table[("icer", "")]["label"].endswith("resolved_share (undefined)")
    assert table[("delta_cost_per_dossier", "")]["value"] == "1805.5"
    assert {row["suppressed"] for row in table.values()} == {"0"}
    excel = b"".join(csv_chunks(MEASURE_COLUMNS, measure_rows(scaled(document, 10)), "excel-nl")).decode("utf-8-sig")
    excel_table = {(row[0], row[2]): row for row in read_csv(excel, delimiter=";")[1:]}
    assert excel_table[("cost_per_dossier", "pilot")][5] == "1886,25"
    assert excel_table[("transfer_share", "pilot")][10] == "-0,333333"


async def test_dossier_csv_has_one_row_per_dossier_with_pseudonyms(client, built, evaluator_headers):
    response = await client.get(
        "/api/v1/pilots/proef/export.csv", params={**MARCH, "table": "dossiers"}, headers=evaluator_headers
    )
    assert response.status_code == 200, response.text
    rows = read_csv(response.text)
    assert tuple(rows[0]) == DOSSIER_COLUMNS
    assert len(rows) == 1 + 7
    by_pseudonym = {row[0]: row for row in rows[1:]}
    assert by_pseudonym[pseudonym_of(built, "P1")] == [
        pseudonym_of(built, "P1"),
        "pilot",
        "2026-03-02",
        "2026-03-06",
        "resolved",
        "3",
        "2",
        "2",
        "1",
        "3",
        "2028",
        "3",
    ]
    assert by_pseudonym[pseudonym_of(built, "C3")][1:] == [
        "control",
        "2026-03-25",
        "",
        "",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "7",
    ]
    assert pseudonym_of(built, "P5") not in by_pseudonym  # opened in February


async def test_excel_nl_variant_uses_semicolons_a_bom_and_decimal_commas(client, built, evaluator_headers):
    response = await client.get(
        "/api/v1/pilots/proef/export.csv", params={**MARCH, "variant": "excel-nl"}, headers=evaluator_headers
    )
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    rows = read_csv(text, delimiter=";")
    assert tuple(rows[0]) == MEASURE_COLUMNS
    table = {(row[0], row[2]): dict(zip(MEASURE_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert table[("transfer_share", "pilot")]["value"] == "0,333333"
    assert table[("resolved_share", "pilot")]["value"] == ""  # withheld
    assert table[("helped_at_once_share", "pilot")]["value"] == "0,5"


@pytest.mark.parametrize("table", ["measures", "dossiers"])
async def test_xlsx_opens_with_openpyxl_and_has_the_definitions(client, built, evaluator_headers, table):
    response = await client.get(
        "/api/v1/pilots/proef/export.xlsx", params={**MARCH, "table": table}, headers=evaluator_headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    title = "Maatregelen" if table == "measures" else "Dossiers"
    assert workbook.sheetnames == [title, "Definities"]
    rows = list(workbook[title].iter_rows(values_only=True))
    assert rows[0] == (MEASURE_COLUMNS if table == "measures" else DOSSIER_COLUMNS)
    if table == "measures":
        resolved = next(row for row in rows if row[0] == "resolved_share" and row[2] == "pilot")
        assert (resolved[3], resolved[4], resolved[5], resolved[-1]) == (None, None, None, True)  # withheld
        transfer = next(row for row in rows if row[0] == "transfer_share" and row[2] == "pilot")
        assert (transfer[3], transfer[4], transfer[10], transfer[-1]) == (2, 6, None, True)
        assert transfer[5] == pytest.approx(1 / 3)
    else:
        assert len(rows) == 8
        p1 = next(row for row in rows if row[0] == pseudonym_of(built, "P1"))
        assert p1[10] == pytest.approx(2028)
    definitions = list(workbook["Definities"].iter_rows(values_only=True))
    assert definitions[0] == ("code", "naam", "definitie")
    codes = {row[0]: row[2] for row in definitions[1:]}
    assert set(SHARE_MEASURE_CODES) <= set(codes)
    assert "rapportcijfer 7 of hoger" in codes["satisfied_share"]
    assert len(definitions) == 1 + len(DEFINITIONS)


async def test_formula_like_cells_are_neutralised(client, db, built, evaluator_headers):
    dangerous = {"P1": '=HYPERLINK("x")', "P2": "+31612345678", "C1": "-2+3", "C2": "@SUM(A1)"}
    async with db() as session, session.begin():
        for name, value in dangerous.items():
            await session.execute(
                update(Client).where(Client.id == built.dossiers[name].client_id).values(pseudonym=value)
            )
    response = await client.get(
        "/api/v1/pilots/proef/export.csv", params={**MARCH, "table": "dossiers"}, headers=evaluator_headers
    )
    pseudonyms = {row[0] for row in read_csv(response.text)[1:]}
    assert {"'" + value for value in dangerous.values()} <= pseudonyms
    assert not any(p.startswith(("=", "+", "-", "@")) for p in pseudonyms)

    response = await client.get(
        "/api/v1/pilots/proef/export.xlsx", params={**MARCH, "table": "dossiers"}, headers=evaluator_headers
    )
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {row[0] for row in workbook["Dossiers"].iter_rows(min_row=2, values_only=True)}
    assert {"'" + value for value in dangerous.values()} <= cells


async def test_every_export_is_audited(client, db, built, evaluator_headers):
    await client.get(
        "/api/v1/pilots/proef/export.csv", params={**MARCH, "table": "dossiers"}, headers=evaluator_headers
    )
    await client.get("/api/v1/pilots/proef/export.xlsx", headers=evaluator_headers)
    async with db() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id))
        ).all()
    assert [(e.object_type, e.object_id, e.purpose) for e in events] == [
        ("pilot", str(built.pilot.id), "evaluatie"),
        ("pilot", str(built.pilot.id), "evaluatie"),
    ]
    assert "dossiers (csv)" in events[0].detail and "7 rijen" in events[0].detail
    assert "measures (xlsx)" in events[1].detail and "begin_nu" in events[1].detail


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("export.csv", {"table": "klanten"}, 422),
        ("export.csv", {"variant": "excel-us"}, 422),
        ("export.xlsx", {"from": "2026-04-01", "to": "2026-03-01"}, 422),
        ("export.csv", {"to": "31-03-2026"}, 422),
    ],
)
async def test_bad_export_parameters(client, built, evaluator_headers, path, params, status):
    response = await client.get(f"/api/v1/pilots/proef/{path}", params=params, headers=evaluator_headers)
    assert response.status_code == status, response.text


async def test_unknown_pilot_is_404(client, built, evaluator_headers):
    response = await client.get("/api/v1/pilots/bestaat-niet/export.csv", headers=evaluator_headers)
    assert response.status_code == 404


# ------------------------------------------------------------------------------------------------ pure


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31", "'+31"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("K-ABC123", "K-ABC123"),
        ("", ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_cells_are_formatted_for_both_variants():
    assert format_number(0.1666666666) == "0.166667"
    assert format_number(1886.25, decimal_comma=True) == "1886,25"
    assert format_number(5.0) == "5"
    assert format_number(-0.0000001) == "0"
    assert csv_cell(None) == ""
    assert csv_cell(-0.5) == "-0.5"  # a number, never neutralised
    assert csv_cell("-0.5") == "'-0.5"  # text is
    assert csv_cell(3) == "3"


def test_csv_chunks_stream_line_by_line():
    chunks = list(csv_chunks(("a", "b"), [[1, "x;y"], [2.5, None]], variant="excel-nl"))
    assert chunks[0] == "\ufeffa;b\r\n".encode()
    assert chunks[1:] == [b'1;"x;y"\r\n', b"2,5;\r\n"]
    assert b"".join(csv_chunks(("a",), [["x"]])) == b"a\r\nx\r\n"
