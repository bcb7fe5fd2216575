from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from consultants.models import Consultant
from consultants.services import consultant_link_user

# The demo password is public (it is in the README): demo users exist only on development machines.
DEMO_PASSWORD = "anhorig-demo-2026"  # noqa: S105

# username, role, districts, consultant reference (for consultants), first name, last name
DEMO_USERS = [
    ("konsulent.bromma", Role.CONSULTANT, ["bromma"], "K01", "Kim", "Konsulent"),
    ("konsulent.farsta", Role.CONSULTANT, ["farsta"], "K03", "Fia", "Konsulent"),
    ("konsulent.hl", Role.CONSULTANT, ["hagersten-liljeholmen", "alvsjo", "skarholmen"], "K04", "Hedda", "Konsulent"),
    ("chef.bromma", Role.MANAGER, ["bromma"], None, "Bo", "Chef"),
    ("chef.sydost", Role.MANAGER, ["enskede-arsta-vantor", "farsta", "skarpnack"], None, "Siv", "Chef"),
    ("strateg", Role.STRATEGIST, [], None, "Stina", "Strateg"),
    ("admin", Role.ADMIN, [], None, "Ada", "Admin"),
]


class Command(BaseCommand):
    help = "Create the demo users (development only; their password is public). Run load_reference_data first."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug", action="store_true", help="Create them even with DEBUG off (never in production)."
        )

    @transaction.atomic
    def handle(self, *args, allow_without_debug, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("Demo users have a public password; refusing with DEBUG off.")
        created = 0
        for username, role, districts, ref, first, last in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = user_create(
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                district_codes=districts,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
            )
            if ref:
                consultant = Consultant.objects.filter(ref=ref).first()
                if consultant is None:
                    raise CommandError(f"Consultant {ref} is missing: run load_reference_data stockholm-2018 first.")
                consultant_link_user(consultant=consultant, user=user)
            created += 1
        self.stdout.write(self.style.SUCCESS(f"{created} demo users created; password: {DEMO_PASSWORD}"))
