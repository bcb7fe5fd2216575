"""A consultant logging contacts through the service, in a process of its own, until told to stop.

    python -m followup.tests.contact_writer LOG STOPFILE USER_ID CONSULTANT_ID DISTRICT_ID [DISTRICT_ID ...]

The contacts are dated today (an open month). Each saved contact is written to LOG as one JSON line:
its id, its transaction's id, and the wall-clock moments just before the service was called and just
after its transaction committed. Used by the report-consistency test.

The transaction's id is the top-level one, which a snapshot lists while it runs: the contact's row
carries the id of the savepoint it was inserted in (its ``xmin``), which no snapshot lists.
"""

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anhorigstod.settings.test")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from consultants.models import Consultant
    from districts.models import District, TargetGroup
    from interventions.models import Channel, InterventionType
    from interventions.services import contact_log

    log, stop = Path(sys.argv[1]), Path(sys.argv[2])
    user = get_user_model().objects.get(pk=int(sys.argv[3]))
    consultant = Consultant.objects.get(pk=int(sys.argv[4]))
    districts = list(District.objects.filter(pk__in=[int(a) for a in sys.argv[5:]]).order_by("pk"))
    advice = InterventionType.objects.get(code="advice")
    day = timezone.localdate()
    n = 0

    def _transaction_id() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()::text::bigint")
            return cursor.fetchone()[0]

    with log.open("a") as out:
        while not stop.exists():
            began = time.time()
            with transaction.atomic():  # the service's own transaction, read for its id
                xid = _transaction_id()
                contact = contact_log(
                    user=user,
                    consultant=consultant,
                    date=day,
                    channel=Channel.PHONE,
                    duration_minutes=5 + n % 7,
                    intervention_type=advice,
                    district=districts[n % len(districts)],
                    target_group=TargetGroup.OVER_65,
                )
            out.write(json.dumps({"id": contact.pk, "xid": xid, "began": began, "committed": time.time()}) + "\n")
            out.flush()
            n += 1


if __name__ == "__main__":
    main()
