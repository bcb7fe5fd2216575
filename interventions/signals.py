"""Signals of interventions' bulk writes, for the floors above (the audit log) to hear.

``bulk_create`` and ``update`` send no model signals, so what they write would pass unseen by
anything listening for saves: a group meeting's attendee contacts are written that way (one
statement for all of them).
"""

from django.dispatch import Signal

# Sent after contacts were written in bulk, inside the writing transaction, with ``contacts`` (the
# Contact rows as written, ids set) and ``action``: "create" or "delete" (a soft delete).
contacts_bulk_written = Signal()
