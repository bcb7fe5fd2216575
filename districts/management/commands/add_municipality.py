from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from districts.services import municipality_add


class Command(BaseCommand):
    help = (
        "Add a municipality (its four-digit kommunkod and name) with its districts, or its one unit, so "
        "that its staff can be added (add_user) and start logging. No code change, no migration."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="KOMMUNKOD")
        parser.add_argument("name")
        parser.add_argument("--inhabitants", type=int, default=None)
        parser.add_argument(
            "--district",
            dest="districts",
            action="append",
            default=[],
            metavar="CODE=NAME",
            help="A district or unit of the municipality; repeat for several.",
        )

    def handle(self, *args, code, name, inhabitants, districts, **options):
        units = []
        for given in districts:
            unit_code, sep, unit_name = given.partition("=")
            if not sep or not unit_code or not unit_name:
                raise CommandError(f"Give each district as CODE=NAME, not {given!r}. Nothing was added.")
            units.append((unit_code.strip(), unit_name.strip()))
        try:
            municipality = municipality_add(code=code, name=name, inhabitants=inhabitants, units=units)
        except ValidationError as exc:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(f"Nothing was added. {details}") from None
        self.stdout.write(
            self.style.SUCCESS(f"Added {municipality.name} ({municipality.code}) with {len(units)} district(s).")
        )
