"""Fixtures for the survey tests: survey CSV text."""

from __future__ import annotations

from casemgmt.surveys.csv_format import COLUMNS

HEADER = ",".join(COLUMNS)


def survey_csv(*rows: str, header: str = HEADER, separator: str = ",", bom: bool = False) -> bytes:
    """A survey file: the header and ``rows`` (written with ``,``; converted when ``separator`` is ``;``)."""
    lines = [header, *rows]
    if separator != ",":
        lines = [line.replace(",", separator) for line in lines]
    text = "\r\n".join(lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")
