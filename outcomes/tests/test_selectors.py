"""Outcome figures against counts made by hand on a small fixed dataset."""

import datetime

import pytest

from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from followup.periods import Period
from followup.selectors import SCOPE
from outcomes.selectors import outcome_figures
from outcomes.tests.factories import GuidanceTalkFactory, TalkScoreFactory

YEAR = Period.year(2026)


@pytest.mark.django_db
def test_talks_and_talks_scored_per_district_and_combined():
    bromma, farsta = DistrictFactory(code="bromma"), DistrictFactory(code="farsta")
    kim, li = ConsultantFactory(home_district=bromma), ConsultantFactory(home_district=farsta)
    first = GuidanceTalkFactory(consultant=kim, talk_number=1)
    GuidanceTalkFactory(consultant=kim, caregiver=first.caregiver, talk_number=2)
    GuidanceTalkFactory(consultant=kim, talk_number=1, date=datetime.date(2025, 12, 30))  # before the period
    deleted = GuidanceTalkFactory(
        consultant=kim, talk_number=1, deleted_at=datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC)
    )
    TalkScoreFactory(talk=first, ors=18)
    TalkScoreFactory(talk=deleted, ors=18)
    scored_srs = GuidanceTalkFactory(consultant=li, talk_number=1)
    TalkScoreFactory(talk=scored_srs, ors=None, srs=30)

    figures = outcome_figures(period=YEAR)
    combined = outcome_figures(period=YEAR, combined=True)
    only_farsta = outcome_figures(period=YEAR, district_ids=[farsta.pk])

    assert (figures[bromma.pk]["talks"], figures[bromma.pk]["talks_scored"]) == (2, 1)
    assert (figures[farsta.pk]["talks"], figures[farsta.pk]["talks_scored"]) == (1, 1)
    assert (combined[SCOPE]["talks"], combined[SCOPE]["talks_scored"]) == (3, 2)
    assert list(only_farsta) == [farsta.pk]
    assert outcome_figures(period=Period.year(2024)) == {}
