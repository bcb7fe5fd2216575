"""Compile a follow-up report from the command line, with the same code as the Celery task.

    python manage.py compile_followup_report --year 2018 [--tertial 2] [--scope city|district:CODE|network:CODE]
        [--target-group 65_plus ...] --format xlsx|csv|pdf|json --output FILE

The report is stored like an ordered one (origin "command line"), so it can be reopened on its page.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.scoping import SYSTEM
from districts.models import District, Municipality, Network, TargetGroup
from figures.periods import Period
from followup.models import ReportOrigin, ReportScope, ReportStatus
from followup.report_files import WRITERS
from followup.services import report_compile, report_order


class Command(BaseCommand):
    help = "Compile a follow-up report (the same code as the Celery task) and write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--tertial", type=int, choices=(1, 2, 3), help="A tertial of the year instead of all of it."
        )
        parser.add_argument(
            "--scope",
            default="city",
            help="city (default: the only municipality), city:KOMMUNKOD, district:CODE or network:CODE",
        )
        parser.add_argument(
            "--target-group", action="append", default=[], choices=TargetGroup.values, dest="target_groups"
        )
        parser.add_argument("--format", required=True, choices=sorted(WRITERS), dest="file_format")
        parser.add_argument("--output", required=True, help="The file to write; - for standard output.")
        parser.add_argument("--language", default="sv", choices=("sv", "en"))

    def _scope(self, text: str) -> dict:
        kind, _sep, code = text.partition(":")
        if kind == "city" and not code:
            return {"scope": ReportScope.CITY}
        if kind == "city":
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is None:
                raise CommandError(f"--scope: no municipality with the code {code!r}.")
            return {"scope": ReportScope.CITY, "municipality_id": municipality.pk}
        if kind == "district" and code:
            district = District.objects.filter(code=code).first()
            if district is None:
                raise CommandError(f"--scope: no district with the code {code!r}.")
            return {"scope": ReportScope.DISTRICTS, "districts": [district]}
        if kind == "network" and code:
            network = Network.objects.filter(code=code).first()
            if network is None:
                raise CommandError(f"--scope: no network with the code {code!r}.")
            return {"scope": ReportScope.NETWORK, "network": network}
        raise CommandError(f"--scope: {text!r} is not city, city:KOMMUNKOD, district:CODE or network:CODE.")

    def handle(self, *args, year, tertial, scope, target_groups, file_format, output, language, **options):
        period = Period.tertial(year, tertial) if tertial else Period.year(year)
        try:
            report = report_order(
                user=SYSTEM,
                period=period,
                target_groups=target_groups,
                origin=ReportOrigin.COMMAND,
                enqueue=False,
                **self._scope(scope),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        report_compile(report.pk)
        report.refresh_from_db()
        if report.status != ReportStatus.DONE:
            raise CommandError(f"Report {report.pk} failed: {report.error}")
        with translation.override(language):
            if output == "-":
                WRITERS[file_format](report.content, self.stdout._out.buffer, report)
            else:
                with open(output, "wb") as out:
                    WRITERS[file_format](report.content, out, report)
        self.stderr.write(f"Report {report.pk}: {report} written to {output} ({file_format}).")
