import datetime

import factory

from caregivers.tests.factories import CaregiverFactory
from interventions.tests.factories import ContactFactory, GuidanceTalksTypeFactory
from outcomes.models import FollowUpAnswer, FollowUpResult, TalkScore


class GuidanceTalkFactory(ContactFactory):
    """A guidance talk: a contact with a talk number (set ``caregiver`` and ``talk_number``)."""

    intervention_type = factory.SubFactory(GuidanceTalksTypeFactory)
    channel = "individual_meeting"
    duration_minutes = 60
    caregiver = factory.LazyAttribute(lambda o: CaregiverFactory(districts=[o.district]))
    talk_number = 1
    talk_cap = 5


class TalkScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkScore

    talk = factory.SubFactory(GuidanceTalkFactory)
    ors = 20


class FollowUpAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpAnswer

    consultant = factory.SubFactory("consultants.tests.factories.ConsultantFactory")
    district = factory.SelfAttribute("consultant.home_district")
    intervention_type = factory.SubFactory(GuidanceTalksTypeFactory)
    date = datetime.date(2026, 3, 20)
    result = FollowUpResult.YES
