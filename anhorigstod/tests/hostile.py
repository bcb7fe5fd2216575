"""Hypothesis strategies for hostile input, shared by the hostile-input tests.

Everything here is what a browser, a script or a careless paste can put in a form field or a
query string: values are text (the test client sends text), except where a list stands for a
field repeated in the request. Lone surrogates are left out: they cannot be encoded in a request.
"""

from __future__ import annotations

import datetime

from django.forms.formsets import DEFAULT_MAX_NUM
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Reproducible in CI, no per-example deadline (PostgreSQL round trips vary), and the function-scoped
# `db` fixture is shared by every example on purpose: each example checks its own before/after.
settings.register_profile(
    "hostile",
    derandomize=True,
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
HOSTILE = settings.get_profile("hostile")

SCRIPT = "<script>alert(1)</script>"
HTML_PAYLOADS = (
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "<a href=\"javascript:alert('x')\">x</a>",
    "&lt;script&gt;",
    "<!--",
)
SQL_PAYLOADS = (
    "'; DROP TABLE caregivers_caregiver;--",
    '" OR 1=1 --',
    "1 OR 1=1",
    "1; SELECT pg_sleep(5)",
    "' UNION SELECT username, password FROM accounts_user--",
    "%",
    "_",
    "\\",
)
ODD_UNICODE = (
    "\u0301\u0301\u0301a\u0308",  # combining marks
    "\u202eevil\u202c",  # right-to-left override
    "a\u200bb\u200c\u200d\ufeff",  # zero-width characters and a BOM
    "😀👩‍👩‍👧‍👦🏳️‍🌈",  # emoji with joiners
    "\x00",  # NUL
    "a\x00b",
    "\x01\x07\x08\x1b[31m\x7f",  # control characters, an ANSI escape
    "\r\n\t\v\f",
    "\u2028\u2029",
    "Ａｂｃ１２３",  # full-width
    "İıßẞ",  # case-folding oddities
    "\U0001d400\U000e0001",
    "ﷺ" * 10,
)
WRONG_TYPES = ("", " ", "   \t ", "null", "None", "true", "[]", "{}", "NaN", "Infinity", "-Infinity", "1e309", "0x10")
NUMBERS = (
    "0",
    "-1",
    "-0",
    "1.5",
    "1,5",
    "1_000",
    " 7 ",
    "+5",
    "١٢",  # Arabic-Indic digits
    "²",  # a digit to str.isdigit() that int() refuses
    "9" * 30,
    str(2**63),
    str(2**63 - 1),
    str(-(2**63) - 1),
    str(2**31),
    "1" * 5000,  # past Python's int-string limit
    "32768",
    "65536",
)
DATES = (
    "0000-00-00",
    "0001-01-01",
    "0001-01-02",
    "9999-12-31",
    "9999-12-30",
    "10000-01-01",
    "-2026-01-01",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "31/12/2026",
    "2026-1-1",
    "1970-01-01",
    "2026-01-01T00:00:00",
    "2026-01-01\x00",
)


def _huge(chunk: str, length: int) -> str:
    return (chunk * (length // len(chunk) + 1))[:length]


huge_text = st.builds(
    _huge,
    st.sampled_from(("A", "é", "😀", "<script>", "'; --", "\u0301", "a\x00")),
    st.integers(min_value=10_000, max_value=200_000),
)
odd_unicode = st.one_of(
    st.sampled_from(ODD_UNICODE),
    st.text(
        alphabet=st.characters(categories=("Mn", "Me", "Cf", "Cc", "So", "Zs", "Zl", "Zp", "Co")),
        min_size=1,
        max_size=30,
    ),
)
html_text = st.one_of(
    st.sampled_from(HTML_PAYLOADS),
    st.builds(
        lambda prefix, payload: prefix + payload, st.sampled_from(("AB", "x", "Anna ")), st.sampled_from(HTML_PAYLOADS)
    ),
)
sql_text = st.sampled_from(SQL_PAYLOADS)
wrong_types = st.sampled_from(WRONG_TYPES)
hostile_number = st.one_of(st.sampled_from(NUMBERS), wrong_types, st.integers().map(str))
hostile_date = st.one_of(
    st.sampled_from(DATES),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
    wrong_types,
)
hostile_text = st.one_of(html_text, sql_text, odd_unicode, wrong_types, st.sampled_from(NUMBERS), huge_text)
# A value as a browser would send it: one text, or the field repeated (a list where one value is due).
hostile_value = st.one_of(
    hostile_text,
    hostile_number,
    hostile_date,
    st.lists(st.one_of(hostile_text, hostile_number), min_size=2, max_size=3),
)


def _strategy(value) -> st.SearchStrategy:
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


@st.composite
def form_data(draw, valid: dict) -> dict:
    """A submission with up to three fields hostile and the rest valid.

    Valid neighbours let a hostile value get past the other fields' checks to the deeper ones, and
    let hostile text that a field accepts be saved, so that the pages showing it can be checked.
    """
    hostile = draw(st.sets(st.sampled_from(sorted(valid)), max_size=3))
    return {name: draw(hostile_value if name in hostile else _strategy(value)) for name, value in valid.items()}


def has_nul(value) -> bool:
    values = value if isinstance(value, list) else [value]
    return any("\x00" in str(v) for v in values)


# --- Requests the app cannot read (issue 15) ---------------------------------------------------

MULTIPART_BOUNDARY = "hostile-boundary"


def _multipart(fields: dict) -> bytes:
    parts = [
        f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{MULTIPART_BOUNDARY}--\r\n").encode("ascii")


def undecodable_posts(fields: dict) -> list[tuple[str, str, bytes]]:
    """Form submissions declaring a charset the body cannot be decoded with: (label, content type, body).

    UTF-16 and UTF-32 bodies as a misbehaving client encodes them; an unknown charset; charsets Python
    knows that are no text encoding (rot13) or fail on ASCII (punycode); multipart with the same.
    """
    urlencoded = "&".join(f"{name}={value}" for name, value in fields.items())
    form = "application/x-www-form-urlencoded"
    multipart = f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"
    return [
        ("utf-16", f"{form}; charset=utf-16", urlencoded.encode("utf-16")),
        ("utf-32", f"{form}; charset=utf-32", urlencoded.encode("utf-32")),
        ("bogus", f"{form}; charset=bogus", urlencoded.encode("ascii")),
        ("rot13", f"{form}; charset=rot13", urlencoded.encode("ascii")),
        ("latin-1", f"{form}; charset=latin-1", urlencoded.encode("ascii")),  # Django reads urlencoded as UTF-8 only
        ("multipart-utf-16", f"{multipart}; charset=utf-16", _multipart(fields)),
        ("multipart-punycode", f"{multipart}; charset=punycode", _multipart(fields)),
    ]


# Query strings read in a charset that cannot decode them (the request's charset applies to GET too).
UNDECODABLE_QUERY_CONTENT_TYPES = ("text/plain; charset=rot13", "text/plain; charset=utf-16")

# Management-form counts no formset posts: huge, past every limit (request_guards), negative, not plain digits.
ABSURD_FORMSET_COUNTS = ("99999999999999999999999", str(DEFAULT_MAX_NUM + 1), "-1", "1e3", "²", " 7", "9" * 5000)
