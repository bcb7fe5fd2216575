"""The contacts table's rows, rendered in Python.

The quick form and the contacts list show up to 50 rows; through the template engine they cost about
half a millisecond each (a third of the page), here a tenth of that: the words, links and dates that
repeat are made once per table, not once per row. The markup is the same as a template's would be:
every value escaped by ``format_html``, every word translated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..models import Contact

register = template.Library()

_SENTINEL = 4_611_686_018_427_387_904  # no row has this id; it marks where the id goes in a path


def _path_for(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many ``pk``: the path is reversed once, the id put in its place."""
    head, tail = reverse(name, args=[_SENTINEL]).split(str(_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


ROW = (
    '<tr><td class="text-nowrap">{}</td><td>{}</td><td>{}</td><td>{}</td>'
    '<td class="text-end">{}</td><td>{}</td><td class="text-end text-nowrap">{}</td></tr>'
)
LINK = '<a href="{}">{}<span class="visually-hidden"> {}</span></a>'


@register.simple_tag(takes_context=True)
def contact_rows(context, contacts: Iterable[Contact]) -> SafeString:
    """One ``<tr>`` per contact: date, caregiver, intervention (talk number, referrals), channel,
    minutes, district and the actions the user may take (edit their own, score a talk)."""
    user_id = getattr(context.get("user"), "pk", None)
    caregiver_path = _path_for("caregivers:detail")
    edit_path = _path_for("interventions:contact_edit")
    scores_path = _path_for("outcomes:talk_scores")
    anonymous = format_html('<span class="text-body-secondary">{}</span>', _("anonymous"))
    channels = {value: str(label) for value, label in Contact._meta.get_field("channel").choices}
    day_of = cache(lambda date: date_format(date, "SHORT_DATE_FORMAT"))
    rows = []
    for contact in contacts:
        day = day_of(contact.date)
        caregiver = anonymous
        if contact.caregiver_id is not None:
            url = caregiver_path(contact.caregiver_id)
            caregiver = format_html('<a href="{}">{}</a>', url, contact.caregiver.label)
        talk = ""
        if contact.talk_number:
            label = _("talk %(n)s of %(cap)s") % {"n": contact.talk_number, "cap": contact.talk_cap}
            talk = format_html(' <span class="badge text-bg-secondary">{}</span>', label)
        referrals = format_html_join(
            "",
            ' <span class="badge text-bg-warning">→ {}</span>',
            ((r.get_destination_display(),) for r in contact.referrals.all()),
        )
        actions = []
        if contact.created_by_id == user_id and not contact.meeting_id:
            actions.append(format_html(LINK, edit_path(contact.pk), _("Edit"), day))
        if contact.talk_number:
            actions.append(format_html(LINK, scores_path(contact.pk), _("ORS/SRS"), day))
        rows.append(
            format_html(
                ROW,
                day,
                caregiver,
                format_html("{}{}{}", contact.intervention_type.name, talk, referrals),
                channels.get(contact.channel, contact.channel),
                contact.duration_minutes,
                contact.district.name,
                mark_safe(" ".join(actions)),  # noqa: S308 - each link escaped by format_html
            )
        )
    if not rows:
        return format_html('<tr><td colspan="7" class="text-body-secondary">{}</td></tr>', _("No contacts."))
    return mark_safe("".join(rows))  # noqa: S308 - each row escaped by format_html


@register.simple_tag
def caregiver_options(caregivers: Iterable) -> SafeString:
    """The quick form's label suggestions: one ``<option>`` per caregiver (up to 300 on every form)."""
    return format_html_join("", '<option value="{}"></option>', ((c.label,) for c in caregivers))
