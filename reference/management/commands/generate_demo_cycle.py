import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reference.demo_cycle import cycle_data_exists, generate_cycle


class Command(BaseCommand):
    help = (
        "Generate reproducible demo data of the follow-up cycle for every district with contacts: outcome scores "
        "and follow-up answers, monthly approvals, goals, caregiver representatives, partners, collaboration and "
        "outreach, the case officers' measurements. Run generate_demo_contacts first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="The same seed and day give the same data.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the cycle's data exists already.")
        parser.add_argument(
            "--allow-without-debug", action="store_true", help="Generate even with DEBUG off (never in production)."
        )

    def handle(self, *args, seed, if_empty, allow_without_debug, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("Demo data mixes with real data; refusing with DEBUG off.")
        if if_empty and cycle_data_exists():
            self.stdout.write("The follow-up cycle's data exists already: no demo data generated.")
            return
        started = time.perf_counter()
        try:
            summary = generate_cycle(seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{summary} in {seconds:.1f} s."))
