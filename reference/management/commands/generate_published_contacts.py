import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reference.demo_replay import replay_published_contacts, replay_year_has_contacts
from reference.schema import DATASETS, ReferenceDataError


class Command(BaseCommand):
    help = (
        "Log a dataset's published contact table (nacka-2022: report 003's role x channel table) as contacts of its "
        "year, by the dataset's consultants, with pseudonymous caregivers. Run load_reference_data first."
    )

    def add_arguments(self, parser):
        parser.add_argument("dataset", choices=sorted(DATASETS))
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same caregivers and dates.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the dataset's municipality has contacts in the table's year already.",
        )
        parser.add_argument(
            "--allow-without-debug", action="store_true", help="Generate even with DEBUG off (never in production)."
        )

    def handle(self, *args, dataset, seed, if_empty, allow_without_debug, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("Replayed contacts mix with real data; refusing with DEBUG off.")
        try:
            if if_empty and replay_year_has_contacts(dataset=dataset):
                self.stdout.write("The municipality has contacts in the year already: nothing replayed.")
                return
            started = time.perf_counter()
            summary = replay_published_contacts(dataset=dataset, seed=seed)
        except (ReferenceDataError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        seconds = time.perf_counter() - started
        cells = ", ".join(f"{role} {channel} {n}" for (role, channel), n in summary.cells.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"{dataset}: {summary.contacts} contacts ({cells}); {summary.caregivers} caregivers, "
                f"{summary.anonymous} anonymous contacts, {summary.talks} guidance talks in {seconds:.1f} s; "
                f"{summary.facts} facts recomputed."
            )
        )
