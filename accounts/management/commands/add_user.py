import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import user_create

PASSWORD_VARIABLE = "ANHORIGSTOD_PASSWORD"  # noqa: S105 - the name of a variable, not a password


class Command(BaseCommand):
    help = (
        "Provision a user with a role and the districts they serve. The password is read from the "
        f"environment variable {PASSWORD_VARIABLE} or asked for at a prompt, never from the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--district", dest="districts", action="append", default=[], metavar="CODE")
        parser.add_argument(
            "--municipality",
            default=None,
            metavar="KOMMUNKOD",
            help="Its four-digit code; needed for a user without districts where there are several.",
        )
        parser.add_argument(
            "--serves",
            action="append",
            default=[],
            metavar="KOMMUNKOD",
            help="A municipality a hosting organisation's strategist or administrator may switch to; repeat.",
        )
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, districts, municipality, serves, email, **options):
        password = os.environ.get(PASSWORD_VARIABLE) or self._prompt_password()
        try:
            user = user_create(
                username=username,
                role=role,
                password=password,
                district_codes=districts,
                municipality_code=municipality,
                serves_codes=serves,
                email=email,
            )
        except ValidationError as exc:
            raise CommandError(_format(exc)) from None
        served = ", ".join(user.districts.order_by("code").values_list("code", flat=True)) or "-"
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()}); districts: {served}")
        )

    def _prompt_password(self) -> str:
        if not self.stdin_is_interactive():
            raise CommandError(f"No password: set {PASSWORD_VARIABLE} or run the command in a terminal.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first

    @staticmethod
    def stdin_is_interactive() -> bool:
        import sys

        return sys.stdin.isatty()


def _format(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)
