"""Reading HTML form values: what every form handler needs before the domain rules see the input, and how a
handler declares a form body (``data: Annotated[SomeForm, FormBody]``, or ``data: FormData`` for loose fields)."""

from __future__ import annotations

from typing import Annotated

from litestar.enums import RequestEncodingType
from litestar.params import Body

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
"""A handler's ``data`` is a URL-encoded HTML form."""
FormData = Annotated[dict[str, str], FormBody]
"""A form read as loose fields."""


def whole_number(text: str | None) -> int | None:
    """A form field holding an id or a count: the number, or None when it is empty or not a whole number."""
    return int(text) if text and text.strip().isdigit() else None
