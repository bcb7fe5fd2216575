"""``{% liveness_notices as notices %}``: what the administrators' front page says when the Celery
workers or beat have stopped beating (nothing on the embedded default, where tasks run in-process)."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..selectors import liveness

register = template.Library()


def _since(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@register.simple_tag
def liveness_notices() -> list[str]:
    alive = liveness()
    notices = []
    if not alive.worker_alive and alive.worker_at is None:
        notices.append(
            _(
                "No background worker has answered yet: ordered reports and other background jobs wait. "
                "Start the Celery worker or contact IT support."
            )
        )
    elif not alive.worker_alive:
        notices.append(
            _(
                "No background worker has answered since %(time)s: ordered reports and other background jobs "
                "wait until one runs again. Contact IT support."
            )
            % {"time": _since(alive.worker_at)}
        )
    if not alive.beat_alive and alive.beat_at is None:
        notices.append(_("The scheduler (Celery beat) has not answered yet: scheduled reports and jobs do not run."))
    elif not alive.beat_alive:
        notices.append(
            _(
                "The scheduler (Celery beat) has not answered since %(time)s: scheduled reports and jobs do not "
                "run. Contact IT support."
            )
            % {"time": _since(alive.beat_at)}
        )
    return notices
