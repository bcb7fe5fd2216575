from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.scoping import SYSTEM
from followup.selectors import consultant_facts
from reference.schema import DATASETS, REFERENCE_DIR, ReferenceDataError
from reference.services import reference_data_load


class Command(BaseCommand):
    help = "Load a reference dataset (districts, networks, consultants, base level, template description)."

    def add_arguments(self, parser):
        parser.add_argument("dataset", choices=sorted(DATASETS))
        parser.add_argument(
            "--directory",
            type=Path,
            default=REFERENCE_DIR,
            help="Read the dataset's files from this folder instead of the product's own copy (to check a correction).",
        )

    def handle(self, *args, dataset, directory, **options):
        try:
            summary = reference_data_load(dataset=dataset, directory=directory)
        except ReferenceDataError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        if summary.changed:
            for verb, counter in (
                ("created", summary.created),
                ("updated", summary.updated),
                ("deleted", summary.deleted),
            ):
                for label, n in sorted(counter.items()):
                    self.stdout.write(f"  {label}: {n} {verb}")
        else:
            self.stdout.write("Already loaded: nothing changed.")
        facts = consultant_facts(user=SYSTEM)
        self.stdout.write(
            self.style.SUCCESS(
                f"{dataset}: the installation has {facts.districts} districts, "
                f"{facts.consultants_unique} unique consultants in "
                f"{facts.consultant_district_rows} consultant-district rows; {facts.over_65} serving 65+, "
                f"{facts.under_65} serving 65-, {facts.all_groups} serving all; "
                f"{facts.with_current_description} with a documented, current assignment description."
            )
        )
