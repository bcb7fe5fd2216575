import time

from django.core.management.base import BaseCommand

from figures.snapshots import figures_rebuild


class Command(BaseCommand):
    help = "Recompute every precomputed follow-up figure from the logged work (after a bulk load, or to check)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        periods = figures_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{periods} periods recomputed in {time.perf_counter() - started:.1f} s."))
