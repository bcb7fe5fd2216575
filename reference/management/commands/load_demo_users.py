from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from consultants.models import Consultant
from consultants.services import consultant_link_user
from districts.models import Municipality

# The demo password is public (it is in the README): demo users exist only on development machines.
DEMO_PASSWORD = "anhorig-demo-2026"  # noqa: S105

STOCKHOLM, NACKA = "0180", "0182"
# The dataset that loads each municipality's districts and consultants.
DATASET_OF = {STOCKHOLM: "stockholm-2018", NACKA: "nacka-2022"}

# username, role, municipality (None: above the municipalities), districts, consultant reference (for
# consultants), first name, last name. A municipality's users are created once its dataset is loaded.
DEMO_USERS = [
    ("konsulent.bromma", Role.CONSULTANT, STOCKHOLM, ["bromma"], "K01", "Kim", "Konsulent"),
    ("konsulent.farsta", Role.CONSULTANT, STOCKHOLM, ["farsta"], "K03", "Fia", "Konsulent"),
    ("konsulent.hl", Role.CONSULTANT, STOCKHOLM, ["hagersten-liljeholmen", "alvsjo", "skarholmen"], "K04", "Hedda",
     "Konsulent"),
    ("chef.bromma", Role.MANAGER, STOCKHOLM, ["bromma"], None, "Bo", "Chef"),
    ("chef.sydost", Role.MANAGER, STOCKHOLM, ["enskede-arsta-vantor", "farsta", "skarpnack"], None, "Siv", "Chef"),
    ("strateg", Role.STRATEGIST, STOCKHOLM, [], None, "Stina", "Strateg"),
    ("admin", Role.ADMIN, STOCKHOLM, [], None, "Ada", "Admin"),
    ("konsulent.nacka", Role.CONSULTANT, NACKA, ["nacka-anhorigcenter"], "NACKA-65PLUS", "Nora", "Konsulent"),
    ("strateg.nacka", Role.STRATEGIST, NACKA, [], None, "Nils", "Strateg"),
    ("analytiker", Role.ANALYST, None, [], None, "Alva", "Analytiker"),
]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Create the demo users (development only; their password is public) of the municipalities loaded "
        "(load_reference_data stockholm-2018 and/or nacka-2022 first) and the regional analyst."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug", action="store_true", help="Create them even with DEBUG off (never in production)."
        )

    @transaction.atomic
    def handle(self, *args, allow_without_debug, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("Demo users have a public password; refusing with DEBUG off.")
        # A municipality is loaded when it has districts (report 003's comparison municipalities have none).
        loaded = set(Municipality.objects.filter(districts__isnull=False).values_list("code", flat=True))
        if not loaded & set(DATASET_OF):
            raise CommandError("No municipality is loaded: run load_reference_data stockholm-2018 first.")
        created, skipped = 0, []
        for username, role, municipality, districts, ref, first, last in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            if municipality is not None and municipality not in loaded:
                skipped.append(username)
                continue
            user = user_create(
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                district_codes=districts,
                municipality_code=municipality,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
            )
            if ref:
                consultant = Consultant.objects.filter(ref=ref).first()
                if consultant is None:
                    raise CommandError(
                        f"Consultant {ref} is missing: run load_reference_data {DATASET_OF[municipality]} first."
                    )
                consultant_link_user(consultant=consultant, user=user)
            created += 1
        if skipped:
            self.stdout.write(f"Not created (their municipality is not loaded): {', '.join(skipped)}.")
        self.stdout.write(self.style.SUCCESS(f"{created} demo users created; password: {DEMO_PASSWORD}"))
