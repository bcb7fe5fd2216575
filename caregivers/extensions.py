"""What the apps above the caregivers hold about them, registered here when Django starts.

Contacts and group meetings point at caregivers, so the caregivers app must not import them. Yet a
caregiver's page shows their contacts, a register extract gives everything held about them, and the
retention rule asks when they were last met. The apps that hold such rows register a ``Holding``
here (in their ``AppConfig.ready``); the caregivers app calls what is registered and imports none of
them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

# A section of an extract file: its heading, its columns and its rows, in words.
ExtractSection = tuple[str, list[str], list[list[str]]]


# The words of an extract's values, shared by the caregivers' own sections and the apps' (here, not in
# the extract files, so that registering a Holding loads no PDF library).
def day_words(value: str | None) -> str:
    """An extract's ISO day in the reader's words."""
    return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else ""


def label_words(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def yes_no_words(value: bool) -> str:
    return _("Yes") if value else _("No")


@dataclass(frozen=True)
class Holding:
    """An app's rows about caregivers.

    - ``page(caregiver=, user=, districts=)``: what the caregiver's page shows of them (a dict merged
      into the page's context), in a fixed number of queries, scoped to the user;
    - ``extract(caregiver=)``: the rows as plain data with language-free keys (merged into the extract);
    - ``extract_sections(extract)``: those parts of an extract in words, for its files;
    - ``met(since)``: ``Exists`` expressions on ``OuterRef("pk")``, true for a caregiver with a live row
      on or after ``since`` (any day, given None): what the retention rule counts as contact.
    """

    page: Callable[..., dict]
    extract: Callable[..., dict]
    extract_sections: Callable[[dict], list[ExtractSection]]
    met: Callable[[datetime.date | None], list[Any]]


_holdings: list[Holding] = []


def register_holding(holding: Holding) -> None:
    if holding not in _holdings:
        _holdings.append(holding)


def holdings() -> list[Holding]:
    return list(_holdings)
