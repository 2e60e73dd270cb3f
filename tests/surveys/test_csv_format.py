"""The survey CSV/JSON contract of issue 5: valid files, BOM, separators, every kind of bad input with its line and
field, `nee` rows, multi-reason rows, the questionnaire's codes, and a 100,000-row file."""

from __future__ import annotations

import io
import time
from datetime import date

import pytest

from casemgmt.surveys import questionnaire
from casemgmt.surveys.csv_format import (
    ANSWER_FIELDS,
    COLUMNS,
    ParsedRow,
    RowError,
    parse_contact_date,
    parse_survey_bytes,
    parse_survey_csv,
    survey_row_from_json,
)

HEADER = ",".join(COLUMNS)


def parse(text: str) -> list[ParsedRow | RowError]:
    return list(parse_survey_csv(io.StringIO(text, newline="")))


def rows_of(results: list[ParsedRow | RowError]) -> list[ParsedRow]:
    return [r for r in results if isinstance(r, ParsedRow)]


def errors_of(results: list[ParsedRow | RowError]) -> list[tuple[int | None, str | None]]:
    return [(r.line, r.field) for r in results if isinstance(r, RowError)]


VALID = (
    HEADER + "\r\n"
    "R-001,2024-03-04,ja,8,,meteen,,bewoner,vrouw,35-44,hbo,D-2024-00012,\r\n"
    "R-002,05-03-2024,ja,4,niet_in_een_keer|kastje_muur|niet_teruggebeld,doorverbonden,meer_dan_3,bedrijf,man,"
    '65+,wo,,"Drie keer doorverbonden, en niemand belde terug"\r\n'
    "R-003,6-3-2024,ja,,,zelf_terugbellen,,,,,,,\r\n"
    "R-004,2024-03-07,nee,,,,,,,,,D-2024-00013,\r\n"
)


# ------------------------------------------------------------------------------------------------ valid files


def test_valid_file_gives_typed_rows():
    results = parse(VALID)
    assert errors_of(results) == []
    first, second, third, fourth = rows_of(results)
    assert first == ParsedRow(
        line=2,
        respondent_id="R-001",
        contact_date=date(2024, 3, 4),
        remembered_contact=True,
        grade=8,
        reasons=(),
        helped_at_once="meteen",
        transfer_count=None,
        respondent_type="bewoner",
        gender="vrouw",
        age_band="35-44",
        education="hbo",
        dossier_ref="D-2024-00012",
        comment=None,
    )
    assert second.contact_date == date(2024, 3, 5)
    assert second.reasons == ("niet_in_een_keer", "kastje_muur", "niet_teruggebeld")
    assert second.transfer_count == "meer_dan_3"
    assert (second.respondent_type, second.age_band, second.education) == ("bedrijf", "65+", "wo")
    assert second.comment == "Drie keer doorverbonden, en niemand belde terug"
    assert second.dossier_ref is None
    assert third.grade is None  # no answer to the grade question
    assert third.contact_date == date(2024, 3, 6)
    assert third.respondent_type is None
    assert fourth.remembered_contact is False and fourth.line == 5
    assert fourth.dossier_ref == "D-2024-00013"


def test_bom_and_semicolon_separator_excel_nl():
    text = "\ufeff" + VALID.replace(",", ";").replace('"Drie keer doorverbonden; en', '"Drie keer doorverbonden, en')
    results = list(parse_survey_bytes(text.encode("utf-8")))
    assert errors_of(results) == []
    rows = rows_of(results)
    assert [r.respondent_id for r in rows] == ["R-001", "R-002", "R-003", "R-004"]
    assert rows[1].comment == "Drie keer doorverbonden, en niemand belde terug"


def test_bom_with_comma_separator_and_file_opened_as_utf8_sig(tmp_path):
    path = tmp_path / "enquete.csv"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    with path.open(encoding="utf-8", newline="") as handle:  # BOM left in: the parser removes it
        assert len(rows_of(list(parse_survey_csv(handle)))) == 4
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert len(rows_of(list(parse_survey_csv(handle)))) == 4


def test_columns_in_another_order_and_quoted_multiline_comment():
    columns = list(reversed(COLUMNS))
    values = dict.fromkeys(COLUMNS, "")
    values.update(respondent_id="X1", contact_date="2024-01-02", remembered_contact="JA", grade="6")
    values["comment"] = '"regel een\nregel twee"'
    text = (
        ",".join(columns)
        + "\n"
        + ",".join(values[c] for c in columns)
        + "\n"
        + (",".join({**values, "respondent_id": "X2", "comment": "", "grade": "11"}[c] for c in columns) + "\n")
    )
    results = parse(text)
    assert rows_of(results)[0].comment == "regel een\nregel twee"
    assert rows_of(results)[0].remembered_contact is True
    # The second record starts on physical line 4 because the first spans lines 2–3.
    assert errors_of(results) == [(4, "grade")]


def test_blank_and_spreadsheet_empty_rows_are_skipped():
    text = HEADER + "\n\nR1,2024-01-02,ja,7,,,,,,,,,\n,,,,,,,,,,,,\n\n"
    results = parse(text)
    assert errors_of(results) == [] and len(rows_of(results)) == 1


def test_codes_ignore_case_and_spaces_and_duplicate_reasons_count_once():
    text = (
        HEADER
        + "\nR1, 2024-01-02 ,Ja, 5 , Kastje_Muur | anders |kastje_muur,MeTeEn,,BEWONER,,<25,zeg_niet,d-2024-00001,\n"
    )
    (row,) = parse(text)
    assert row.reasons == ("kastje_muur", "anders")
    assert (row.grade, row.helped_at_once, row.respondent_type, row.age_band) == (5, "meteen", "bewoner", "<25")
    assert row.dossier_ref == "D-2024-00001"


# ------------------------------------------------------------------------------------------------ header errors


def test_unknown_column_is_named_and_nothing_is_parsed():
    text = HEADER + ",cijfer_extra\nR1,2024-01-02,ja,7,,,,,,,,,,x\n"
    results = parse(text)
    assert results == [RowError(1, "cijfer_extra", results[0].message)]
    assert "cijfer_extra" in results[0].message


def test_missing_and_repeated_columns_are_named():
    columns = [c for c in COLUMNS if c != "grade"] + ["comment"]
    results = parse(",".join(columns) + "\n")
    assert sorted(errors_of(results)) == [(1, "comment"), (1, "grade")]
    assert any("ontbreekt" in r.message for r in results if r.field == "grade")
    assert any("meer dan één keer" in r.message for r in results if r.field == "comment")


def test_empty_file_and_invalid_utf8():
    assert errors_of(parse("")) == [(1, None)]
    assert errors_of(list(parse_survey_bytes(b"\xef\xbb\xbf"))) == [(1, None)]
    broken = (HEADER + "\nR1,2024-01-02,ja,7,,,,,,,,,\nR2,2024-01-02,ja,7,,,,,,,,,caf").encode() + b"\xe9\n"
    assert errors_of(list(parse_survey_bytes(broken))) == [(3, None)]


def test_invalid_utf8_while_streaming_a_file(tmp_path):
    path = tmp_path / "kapot.csv"
    path.write_bytes((HEADER + "\nR1,2024-01-02,ja,7,,,,,,,,,\n").encode() + b"R2,2024-01-02,ja,7,,,,,,,,,\xff\n")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        results = list(parse_survey_csv(handle))
    assert isinstance(results[-1], RowError) and results[-1].field is None
    assert "UTF-8" in results[-1].message


# ------------------------------------------------------------------------------------------------ row errors


def row(**values: str) -> str:
    base = dict.fromkeys(COLUMNS, "")
    base.update(respondent_id="R1", contact_date="2024-01-02", remembered_contact="ja")
    base.update(values)
    return ",".join(base[c] for c in COLUMNS)


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"grade": "11"}, "grade", "'11'"),
        ({"grade": "0"}, "grade", "1 t/m 10"),
        ({"grade": "7.5"}, "grade", "'7.5'"),
        ({"grade": "zeven"}, "grade", "'zeven'"),
        ({"reasons": "niet_in_een_keer|te_duur"}, "reasons", "'te_duur'"),
        ({"contact_date": "2024-02-30"}, "contact_date", "'2024-02-30'"),
        ({"contact_date": "02/01/2024"}, "contact_date", "jjjj-mm-dd"),
        ({"contact_date": ""}, "contact_date", "ontbreekt"),
        ({"remembered_contact": "misschien"}, "remembered_contact", "'misschien'"),
        ({"remembered_contact": ""}, "remembered_contact", "'ja' of 'nee'"),
        ({"respondent_id": ""}, "respondent_id", "ontbreekt"),
        ({"respondent_id": "x" * 65}, "respondent_id", "64"),
        ({"helped_at_once": "soms"}, "helped_at_once", "'soms'"),
        ({"transfer_count": "4"}, "transfer_count", "meer_dan_3"),
        ({"respondent_type": "ambtenaar"}, "respondent_type", "bewoner"),
        ({"gender": "x"}, "gender", "'x'"),
        ({"age_band": "18-24"}, "age_band", "'18-24'"),
        ({"education": "phd"}, "education", "'phd'"),
        ({"dossier_ref": "D-24-1"}, "dossier_ref", "D-jjjj-nnnnn"),
        ({"comment": "a" * 4001}, "comment", "4000"),
    ],
)
def test_invalid_field_is_reported_with_line_and_field(values, field, fragment):
    results = parse(HEADER + "\n" + row(respondent_id="OK") + "\n" + row(**values) + "\n")
    assert len(rows_of(results)) == 1
    errors = [r for r in results if isinstance(r, RowError)]
    assert [(e.line, e.field) for e in errors] == [(3, field)]
    assert fragment in errors[0].message


def test_every_error_of_a_row_is_reported():
    results = parse(HEADER + "\n" + row(grade="11", reasons="onbekend", contact_date="31-02-2024") + "\n")
    assert errors_of(results) == [(2, "contact_date"), (2, "grade"), (2, "reasons")]


def test_wrong_number_of_fields():
    results = parse(HEADER + "\nR1,2024-01-02,ja,7\n" + row(respondent_id="R2") + "\n")
    assert errors_of(results) == [(2, None)]
    assert "4 velden" in results[0].message and "13" in results[0].message
    assert rows_of(results)[0].respondent_id == "R2"


def test_duplicate_respondent_id_within_the_file():
    results = parse(HEADER + "\n" + row() + "\n" + row(respondent_id="R2") + "\n" + row() + "\n")
    assert errors_of(results) == [(4, "respondent_id")]
    assert "regel 2" in results[-1].message
    assert [r.respondent_id for r in rows_of(results)] == ["R1", "R2"]


def test_unterminated_quote_stops_with_an_error():
    results = parse(HEADER + "\n" + row() + "\n" + row(respondent_id="R2", comment='"open') + "\n")
    assert len(rows_of(results)) == 1
    assert errors_of(results) == [(3, None)]


# ------------------------------------------------------------------------------------------------ nee rows


def test_nee_rows_count_as_respondents_without_answers():
    (result,) = parse(HEADER + "\n" + row(remembered_contact="nee", dossier_ref="D-2024-00001") + "\n")
    assert isinstance(result, ParsedRow)
    assert result.remembered_contact is False
    assert result.grade is None and result.reasons == () and result.comment is None
    assert result.dossier_ref == "D-2024-00001"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("grade", "8"),
        ("reasons", "anders"),
        ("helped_at_once", "meteen"),
        ("transfer_count", "1"),
        ("respondent_type", "bewoner"),
        ("gender", "man"),
        ("age_band", "65+"),
        ("education", "mbo"),
        ("comment", "hallo"),
    ],
)
def test_nee_rows_with_an_answer_are_refused(field, value):
    results = parse(HEADER + "\n" + row(remembered_contact="nee", **{field: value}) + "\n")
    assert errors_of(results) == [(2, field)]
    assert "'nee'" in results[0].message


# ------------------------------------------------------------------------------------------------ dates


def test_contact_date_formats():
    assert parse_contact_date("2024-03-01") == date(2024, 3, 1)
    assert parse_contact_date("01-03-2024") == date(2024, 3, 1)
    assert parse_contact_date("1-3-2024") == date(2024, 3, 1)
    assert parse_contact_date("2024-3-1") is None
    assert parse_contact_date("20240301") is None
    assert parse_contact_date("29-02-2023") is None
    assert parse_contact_date("2024-W09-5") is None


# ------------------------------------------------------------------------------------------------ JSON (API)


def test_json_response_is_validated_like_a_csv_row():
    result = survey_row_from_json(
        {
            "respondent_id": "API-1",
            "contact_date": "2024-04-01",
            "remembered_contact": "ja",
            "grade": 3,
            "reasons": ["lang_wachten", "niet_deskundig"],
            "helped_at_once": "teruggebeld",
            "transfer_count": None,
            "comment": "Niemand wist het",
        }
    )
    assert isinstance(result, ParsedRow)
    assert result.line is None
    assert result.grade == 3 and result.reasons == ("lang_wachten", "niet_deskundig")
    assert result.helped_at_once == "teruggebeld" and result.gender is None
    assert survey_row_from_json({"respondent_id": "A", "contact_date": "2024-04-01", "remembered_contact": False})


def test_json_errors_name_every_field():
    result = survey_row_from_json(
        {
            "respondent_id": "API-2",
            "contact_date": "2024-13-01",
            "remembered_contact": True,
            "grade": 11,
            "reasons": ["anders", "onbekend"],
            "cijfer": 5,
        }
    )
    assert isinstance(result, list)
    assert sorted((e.line, e.field) for e in result) == sorted(
        [(None, "cijfer"), (None, "contact_date"), (None, "grade"), (None, "reasons")]
    )
    assert all(e.as_dict().keys() == {"line", "field", "message"} for e in result)


def test_json_type_errors():
    result = survey_row_from_json(
        {"respondent_id": "A", "contact_date": "2024-01-01", "remembered_contact": "ja", "grade": True, "reasons": "x"}
    )
    assert sorted(e.field for e in result) == ["grade", "reasons"]
    assert survey_row_from_json(["not", "an", "object"])[0].field is None
    nee = survey_row_from_json(
        {"respondent_id": "A", "contact_date": "2024-01-01", "remembered_contact": "nee", "reasons": ["anders"]}
    )
    assert [e.field for e in nee] == ["reasons"]


# ------------------------------------------------------------------------------------------------ questionnaire


def test_questionnaire_codes_match_the_contract():
    assert list(questionnaire.REASONS) == [
        "niet_in_een_keer",
        "niet_deskundig",
        "niet_gewenst_antwoord",
        "niet_teruggebeld",
        "lang_wachten",
        "kastje_muur",
        "vaker_doorverbonden",
        "afspraken_niet_nagekomen",
        "niet_actief_geholpen",
        "anders",
    ]
    assert list(questionnaire.HELPED_AT_ONCE) == [
        "meteen",
        "doorverbonden",
        "teruggebeld",
        "zelf_terugbellen",
        "afspraak",
    ]
    assert list(questionnaire.TRANSFER_COUNT) == ["1", "2", "3", "meer_dan_3", "weet_niet"]
    assert list(questionnaire.RESPONDENT_TYPE) == ["bewoner", "bedrijf"]
    assert list(questionnaire.GENDER) == ["man", "vrouw"]
    assert list(questionnaire.AGE_BAND) == ["<25", "25-34", "35-44", "45-54", "55-64", "65+"]
    assert list(questionnaire.EDUCATION) == [
        "geen_basis",
        "lbo_vmbo_mavo",
        "mbo",
        "havo_vwo",
        "hbo",
        "wo",
        "weet_niet",
        "zeg_niet",
    ]
    assert questionnaire.HELPED_AT_ONCE["meteen"] == "Ja, ik kon meteen worden geholpen"
    assert questionnaire.REASONS["kastje_muur"] == "Van kastje naar de muur gestuurd"
    assert set(questionnaire.FIELD_LABELS) == set(COLUMNS)
    assert set(ANSWER_FIELDS) < set(COLUMNS)
    with pytest.raises(TypeError):
        questionnaire.REASONS["nieuw"] = "Nieuw"  # type: ignore[index]


# ------------------------------------------------------------------------------------------------ volume


def generate_csv(rows: int) -> str:
    reasons = list(questionnaire.REASONS)
    helped = list(questionnaire.HELPED_AT_ONCE)
    lines = [HEADER]
    for i in range(rows):
        if i % 20 == 0:
            lines.append(f"R{i:07d},2024-{1 + i % 12:02d}-{1 + i % 28:02d},nee,,,,,,,,,,")
            continue
        grade = 1 + i % 10
        given = "|".join(reasons[(i + k) % 10] for k in range(i % 3)) if grade <= 6 else ""
        lines.append(
            f"R{i:07d},{1 + i % 28:02d}-{1 + i % 12:02d}-2024,ja,{grade},{given},{helped[i % 5]},"
            f"{'meer_dan_3' if i % 5 == 1 else ''},bewoner,vrouw,45-54,mbo,D-2024-{i % 99999:05d},opmerking {i}"
        )
    return "\n".join(lines) + "\n"


def test_hundred_thousand_rows_parse_in_a_few_seconds(capsys):
    data = generate_csv(100_000).encode("utf-8")
    started = time.perf_counter()
    rows = errors = 0
    for result in parse_survey_bytes(data):
        if isinstance(result, ParsedRow):
            rows += 1
        else:
            errors += 1
    elapsed = time.perf_counter() - started
    assert (rows, errors) == (100_000, 0)
    assert elapsed < 10.0
    with capsys.disabled():
        print(f"\nsurvey CSV: 100,000 rows in {elapsed:.2f} s = {100_000 / elapsed:,.0f} rows/s")


def test_a_nul_in_a_field_is_that_fields_error():
    """Issue 11: a NUL character cannot be stored (PostgreSQL), so the row reports it on its column."""
    results = parse(
        HEADER + "\r\nR-\x001,2024-03-04,ja,8,lang_wachten\x00,,,,,,,,goed\x00\r\nR-2,2024-03-04,ja,8,,,,,,,,,\r\n"
    )
    nul = [(r.line, r.field) for r in results if isinstance(r, RowError) and "NUL-teken" in r.message]
    assert nul == [(2, "reasons"), (2, "respondent_id"), (2, "comment")]
    assert [row.respondent_id for row in rows_of(results)] == ["R-2"]
