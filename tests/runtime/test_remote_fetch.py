"""runtime/_remote/fetch.py's pure parts: telling an error page from what may be an artifact."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from modelctl.runtime import FetchError
from modelctl.runtime._remote.fetch import Response, error_page

URL = "https://prices.example/catalog.json"
SPACE = st.text(alphabet=" \t\r\n", max_size=50).map(str.encode)


@given(SPACE, st.booleans(), SPACE, st.binary(max_size=200))
def test_a_body_that_begins_a_json_object_is_left_to_the_load(lead: bytes, bom: bool, gap: bytes, rest: bytes) -> None:
    body = lead + (b"\xef\xbb\xbf" + gap if bom else b"") + b"{" + rest
    assert error_page(URL, Response(200, body, None, None, "application/json")) is None


@given(SPACE, st.binary(min_size=1, max_size=200).filter(lambda b: b[:1] not in b" \t\r\n{\xef"), st.text(max_size=300))
def test_anything_else_is_a_fetch_error_that_shows_a_bounded_start(lead: bytes, body: bytes, ctype: str) -> None:
    error = error_page(URL, Response(200, lead + body, None, None, ctype or None))
    assert isinstance(error, FetchError)
    text = str(error)
    assert text.startswith(URL + ": HTTP 200, but the body begins ") and "not an artifact" in text
    assert len(text) < 400 and "\n" not in text and "\r" not in text  # the page is quoted, never pasted


def test_an_empty_body_and_one_of_white_space_only_say_so() -> None:
    for body in (b"", b" \r\n\t"):
        assert "the body is empty (no Content-Type)" in str(error_page(URL, Response(200, body, None, None)))
    # more white space than the look-ahead: the parser decides
    assert error_page(URL, Response(200, b" " * 5000, None, None)) is None
