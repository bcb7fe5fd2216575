from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, database_restore


def _shown(count: int | None) -> str:
    return "missing" if count is None else f"{count:,}"


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_database into the EMPTY database DATABASE_URL points at (a database "
        "with any table is refused), then check every table's row count against the backup's manifest. "
        "Nothing goes through Django's models: the restore writes no audit entries."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file.")
        parser.add_argument("--manifest", type=Path, default=None, help="The manifest (default: FILE.manifest.json).")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, file: Path, manifest: Path | None, database: str, **options):
        try:
            result = database_restore(source=file, manifest_file=manifest, using=database)
        except BackupError as exc:
            raise CommandError(f"Restore refused or failed: {exc}") from None
        taken = result.manifest.get("finished_at", "?")
        if options["verbosity"] >= 2:
            for table, count in sorted(result.counts.items()):
                self.stdout.write(f"  {table}: {count:,}")
        if result.mismatches:
            for table, expected, restored in result.mismatches:
                self.stderr.write(f"  {table}: backup {_shown(expected)}, restored {_shown(restored)}")
            raise CommandError(
                f"Restored {file} into {result.database}, but {len(result.mismatches)} of "
                f"{len(result.manifest['tables'])} tables differ from the manifest (listed above): do not use "
                "this database."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {file} (taken {taken}) into {result.database} in {result.seconds:.1f} s: "
                f"all {len(result.counts)} tables match the manifest ({result.rows:,} rows)."
            )
        )
        if result.migrations_missing:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup lacks {len(result.migrations_missing)} migrations of this code "
                    f"(first: {result.migrations_missing[0]}); run `python manage.py migrate` before serving."
                )
            )
        if result.migrations_unknown:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup has {len(result.migrations_unknown)} migrations this code does not know "
                    f"(first: {result.migrations_unknown[0]}): it was taken with newer code; deploy that version."
                )
            )
