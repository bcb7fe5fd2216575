from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, database_backup, manifest_path


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database while people keep working: pg_dump's custom format on "
        "PostgreSQL, SQLite's online backup API on the embedded default. Beside FILE goes FILE.manifest.json "
        "(checksum, migrations, every table's row count). Both files hold personal data: mode 0600."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, type=Path, help="The backup file to write.")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, output: Path, database: str, **options):
        try:
            manifest = database_backup(output=output, using=database)
        except BackupError as exc:
            raise CommandError(f"Backup failed, no backup written: {exc}") from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of {manifest['database']} ({manifest['vendor']}) written to {output}: "
                f"{manifest['bytes']:,} bytes, {len(manifest['tables'])} tables, {rows:,} rows, "
                f"{len(manifest['migrations'])} migrations, in {manifest['seconds']:.1f} s."
            )
        )
        self.stdout.write(f"Manifest: {manifest_path(output)} (keep it with the backup; restore needs it).")
