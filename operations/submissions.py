"""One press, one record: a form's one-time token makes its view run once, whatever is resent.

Every form that creates something carries ``submission_token``, a random UUID rendered with the page
(``{% submission_token %}``). ``OneSubmissionMiddleware`` runs such a POST's view inside one
transaction that first inserts the token (``SubmissionToken``, unique). A second request with the
same token (a double Enter, a reload of the POST, a retry after a lost answer) blocks on that unique
index until the first transaction ends: if the first one saved, the INSERT fails and the second
request answers with the first one's redirect and messages; if it did not (a form error, a server
error), the second request runs as if it were the first. The database's constraint decides, never a
read-then-write, so it holds under concurrency and across web workers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .models import SubmissionToken

FIELD = "submission_token"
# Set in the session after a save, so the next page can tell the browser the draft it kept is saved.
SAVED_SESSION_KEY = "saved_submission"


def submission_token_of(request: HttpRequest) -> uuid.UUID | None:
    """The POST's token, or None when it carries none (or one that is not a UUID)."""
    if request.method != "POST":
        return None
    value = request.POST.get(FIELD, "")
    if not value or len(value) > 64:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Replay:
    """What the first submission of a token answered."""

    location: str
    messages: list


def submission_claim(*, token: uuid.UUID, user, path: str) -> SubmissionToken | Replay | None:
    """Insert the token for this submission, inside the caller's transaction.

    Returns the new row (this request does the work), a ``Replay`` of the first answer when the
    token was already used by this user, or None when it belongs to someone else.
    """
    try:
        with transaction.atomic():
            return SubmissionToken.objects.create(token=token, user=user, path=path[:200])
    except IntegrityError:
        first = SubmissionToken.objects.filter(token=token).first()
        if first is None or first.user_id != user.pk:
            return None
        return Replay(location=first.location, messages=first.messages)


def submission_record(*, claim: SubmissionToken, location: str, added_messages: list) -> None:
    """Keep the answer of a submission that saved, for a replay to give the same one."""
    claim.location = location[:2000]
    claim.messages = added_messages
    claim.save(update_fields=["location", "messages"])


def submission_release(*, claim: SubmissionToken) -> None:
    """The submission saved nothing (a form error): the token may be used again."""
    claim.delete()


def replay_response(request: HttpRequest, replay: Replay) -> HttpResponse:
    for level, text, extra_tags in replay.messages:
        messages.add_message(request, level, text, extra_tags=extra_tags, fail_silently=True)
    return HttpResponseRedirect(replay.location)


def queued_messages(request: HttpRequest) -> list:
    storage = getattr(request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))
