from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONSULTANT = "consultant", _("Caregiver-support consultant")
    MANAGER = "manager", _("District manager")
    STRATEGIST = "strategist", _("Central strategist")
    ADMIN = "admin", _("Administrator")
    # A municipalities' association or a national agency: the benchmark of publishing municipalities
    # alone, never a district's or a person's data.
    ANALYST = "analyst", _("Regional analyst")


# Roles that may open the admin. Consultants work in the app's own pages only.
STAFF_ROLES = frozenset({Role.MANAGER, Role.STRATEGIST, Role.ADMIN})
# Roles that see every district (in aggregate; see accounts.scoping for personal data).
CITY_WIDE_ROLES = frozenset({Role.STRATEGIST, Role.ADMIN})
# Roles that must serve at least one district to be of any use.
DISTRICT_ROLES = frozenset({Role.CONSULTANT, Role.MANAGER})


class UserManager(DjangoUserManager):
    """Create users by role; staff and superuser status follow from the role, never set apart."""

    def create_user(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.CONSULTANT)
        return self._create_user(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields["role"] = Role.ADMIN
        return self._create_user(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. The role decides what they may do, the districts where."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONSULTANT)
    districts = models.ManyToManyField(
        "districts.District",
        verbose_name=_("districts"),
        blank=True,
        related_name="users",
        help_text=_("The districts this user serves. Consultants and managers see only these."),
    )

    municipality = models.ForeignKey(
        "districts.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_(
            "The municipality this user works in: its districts are the only ones the user can be given, "
            "and strategists and administrators see its districts only."
        ),
    )

    # A hosting organisation's user (a regional service's strategist or administrator) may work in
    # several municipalities, one at a time: ``municipality`` is the one chosen (``user_municipality_pick``).
    # Given by the installation's operators only (``add_user --serves``): no municipality's administrator
    # can open another municipality to anyone.
    serves_municipalities = models.ManyToManyField(
        "districts.Municipality",
        verbose_name=_("municipalities served"),
        blank=True,
        related_name="served_by",
        help_text=_("The municipalities this user may switch between; set by the installation's operators."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    # Derived from the role so that the two can never disagree (these replace the inherited fields).
    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_superuser(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_city_wide(self) -> bool:
        return self.role in CITY_WIDE_ROLES

    def __str__(self) -> str:
        return self.get_full_name() or self.username
