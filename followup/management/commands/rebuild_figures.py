import time

from django.core.management.base import BaseCommand

from figures.snapshots import figures_rebuild


class Command(BaseCommand):
    help = "Recompute the figures' facts from the logged work (after a bulk load, or to check)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        cells = figures_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{cells} facts recomputed in {time.perf_counter() - started:.1f} s."))
