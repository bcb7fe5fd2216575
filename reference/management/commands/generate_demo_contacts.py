import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from districts.models import Municipality
from figures.snapshots import figures_rebuild
from interventions.models import Contact
from reference.demo_contacts import generate


class Command(BaseCommand):
    help = (
        "Generate realistic, reproducible demo data for every district: caregivers, contacts, guidance talks "
        "within each district's cap, referrals, groups and circles with meetings. Run load_reference_data first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=1, help="How many years back from --until (default 1).")
        parser.add_argument("--per-district", type=int, default=3000, help="Contacts per district and year.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed and --until give the same data.")
        parser.add_argument("--until", type=datetime.date.fromisoformat, default=None, help="Last day (YYYY-MM-DD).")
        parser.add_argument(
            "--municipality",
            default=None,
            metavar="KOMMUNKOD",
            help="Only the districts of this municipality (e.g. 0180); default every district with consultants.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if contacts already exist (in the municipality's districts, with --municipality).",
        )
        parser.add_argument(
            "--allow-without-debug", action="store_true", help="Generate even with DEBUG off (never in production)."
        )

    def handle(self, *args, years, per_district, seed, until, municipality, if_empty, allow_without_debug, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("Demo data mixes with real data; refusing with DEBUG off.")
        if years < 1 or per_district < 1:
            raise CommandError("--years and --per-district must be at least 1.")
        if municipality is not None and not Municipality.objects.filter(code=municipality).exists():
            raise CommandError(f"Municipality {municipality} is not loaded: run load_reference_data first.")
        contacts = Contact.objects.all()
        if municipality is not None:
            contacts = contacts.filter(district__municipality__code=municipality)
        if if_empty and contacts.exists():
            self.stdout.write("Contacts exist already: no demo data generated.")
            return
        started = time.perf_counter()
        try:
            summary = generate(
                years=years, per_district=per_district, seed=seed, until=until, municipality_code=municipality
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.perf_counter() - started
        # A bulk load bypasses the upkeep: recompute the facts the figures are summed from.
        started = time.perf_counter()
        cells = figures_rebuild()
        rebuild_seconds = time.perf_counter() - started
        channels = ", ".join(f"{channel} {n}" for channel, n in sorted(summary.by_channel.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.contacts} contacts ({channels}), {summary.caregivers} caregivers, {summary.groups} groups "
                f"with {summary.meetings} meetings, {summary.referrals} referrals in {seconds:.1f} s; "
                f"{cells} facts recomputed in {rebuild_seconds:.1f} s."
            )
        )
