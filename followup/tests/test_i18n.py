"""Swedish by default, English second, Swedish number and date formats, a complete catalogue."""

import gettext
import re
from pathlib import Path

from django.conf import settings

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.tests.factories import AssignmentDescriptionFactory
from districts.tests.factories import DistrictFactory

LOCALE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES"


def _po_entries() -> list[tuple[str | None, str, str, bool]]:
    """(context, msgid, first msgstr, fuzzy) per entry of the Swedish catalogue."""
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        context, msgid, msgstr, current = [], [], [], None
        for line in lines:
            if line.startswith("msgctxt "):
                current = context
            elif line.startswith("msgid "):
                current = msgid
            elif line.startswith(("msgstr ", "msgstr[0] ")):
                current = msgstr
            elif line.startswith(("msgid_plural", "msgstr[")):
                current = None
            if current is not None and '"' in line:
                current.append(line[line.index('"') + 1 : line.rindex('"')])
        if msgid and "".join(msgid):
            entries.append(("".join(context) or None, "".join(msgid), "".join(msgstr), fuzzy))
    return entries


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n")


def _compiled(catalog: gettext.GNUTranslations, context: str | None, msgid: str) -> set[str]:
    """What the compiled catalogue gives for an entry, as a message or as the singular of a plural."""
    if context is not None:
        return {catalog.pgettext(context, msgid), catalog.npgettext(context, msgid, "", 1)}
    return {catalog.gettext(msgid), catalog.ngettext(msgid, "", 1)}


def test_every_message_has_a_swedish_translation_and_is_compiled():
    entries = _po_entries()
    with (LOCALE / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)

    assert len(entries) > 200
    assert [msgid for _context, msgid, msgstr, fuzzy in entries if not msgstr or fuzzy] == []
    # The compiled catalogue gives exactly the .po's translation: the .mo is not stale.
    stale = [
        msgid
        for context, msgid, msgstr, _ in entries
        if _unescape(msgstr) not in _compiled(catalog, context, _unescape(msgid))
    ]
    assert stale == []
    # Entries with a context are translated apart from the same words without one.
    assert ("month status", "Accepted", "Fastställd", False) in entries


def test_pages_are_swedish_by_default(db, client):
    response = client.get("/login/")

    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in" in html
    assert "På svenska" not in html
    assert "In English" in html


def test_language_switch_gives_english(db, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "På svenska" in html


def test_swedish_number_and_date_formats(db, login):
    district = DistrictFactory(code="ostermalm", name="Östermalm", own_budget=True, budget_sek_per_year=200000)
    description = AssignmentDescriptionFactory(district=district, adopted_on="2018-01-01")
    client = login(UserFactory(role=Role.MANAGER, districts=[district]))

    district_html = client.get("/districts/ostermalm/").content.decode()
    description_html = client.get(f"/consultants/descriptions/{description.pk}/").content.decode()

    assert re.search(r"200\xa0000 kr per år", district_html)
    assert "fastställd 1 januari 2018" in description_html


def test_browser_language_does_not_override_swedish(db, client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="sv">' in response.content.decode()
