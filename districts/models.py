from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet

from .extensions import checks, municipality_checks
from .validity import InForceQuerySet, check_in_force, valid_range_constraint


class TargetGroup(models.TextChoices):
    """Who a district's support is for (målgrupp)."""

    UNDER_65 = "under_65", _("Under 65 (younger)")
    OVER_65 = "65_plus", _("65 and over (older)")
    ALL = "all", _("All")
    ALL_EXCEPT_SUBSTANCE_ABUSE = "all_except_substance_abuse", _("All except substance abuse")
    # Barn som anhöriga: a target group of its own under SoL (2025:400).
    YOUNG_CARERS = "young_carers", _("Children and young people who are carers")


# The municipalities of this installation's own country: Sweden's four-digit kommunkod (Stockholm 0180).
MUNICIPALITY_CODE = RegexValidator(r"^[0-9]{4}$", _("A municipality code is the four digits of its kommunkod."))


class Municipality(models.Model):
    """A municipality (kommun): the level above districts. Its districts, users and everything they
    record belong to it alone; municipalities meet only in aggregates that each chooses to publish."""

    code = models.CharField(
        _("municipality code"),
        max_length=4,
        unique=True,
        validators=[MUNICIPALITY_CODE],
        help_text=_("The official four-digit kommunkod, e.g. 0180 for Stockholm."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    inhabitants = models.PositiveIntegerField(
        _("inhabitants"), null=True, blank=True, help_text=_("Used for figures per 1,000 inhabitants.")
    )
    # The municipality's own settings. Empty: the installation's (the base level's default cap, the
    # cycle settings' lock days, CAREGIVER_RETENTION_YEARS, TWO_FACTOR_REQUIRED).
    talk_cap_default = models.PositiveSmallIntegerField(
        _("default cap on guidance talks"),
        null=True,
        blank=True,
        help_text=_(
            "Guidance talks per caregiver in the districts that set no cap of their own, within the base "
            "level's range; empty means the base level's default."
        ),
    )
    lock_days_after_month_end = models.PositiveSmallIntegerField(
        _("days entry stays open after the month"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(90)],
        help_text=_("Entry for a month locks this many days after it ends; empty means the installation's setting."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("years a caregiver is kept"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "A caregiver with no contact for this many years is erased; empty means the installation's setting."
        ),
    )
    two_factor_required = models.BooleanField(
        _("two-factor login required"),
        null=True,
        blank=True,
        help_text=_(
            "Whether strategists and administrators must log in with a one-time code; empty means the "
            "installation's setting."
        ),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Rules the apps above know (the default talk cap's range is the base level's): see ``extensions``.
        for check in municipality_checks():
            check(self)


class District(models.Model):
    """A district (stadsdel) of a municipality, the unit that runs caregiver support. A municipality
    without districts (Nacka's carers' centre) has one unit, which is its one district here."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="districts"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    placement = models.TextField(
        _("placement in the organisation"),
        blank=True,
        help_text=_("Which unit and manager the caregiver-support consultants belong to."),
    )
    own_budget = models.BooleanField(_("own budget"), default=False)
    inhabitants = models.PositiveIntegerField(
        _("inhabitants"), null=True, blank=True, help_text=_("Used for figures per 1,000 inhabitants.")
    )
    reported_talk_limit = models.PositiveSmallIntegerField(
        _("reported limit on guidance talks"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("The limit per caregiver the district reported in the 2018 mapping; empty means no limit."),
    )
    talk_cap = models.PositiveSmallIntegerField(
        _("cap on guidance talks"),
        null=True,
        blank=True,
        help_text=_("Guidance talks per caregiver, within the base level's range; empty means the city default."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("pk",)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Rules the apps above know (the talk cap's range is the base level's): see ``extensions``.
        for check in checks():
            check(self)


class Budget(models.Model):
    """A district's budget for caregiver support, in force from one day to another: a new budget is a
    new row, so a past period's figures per SEK use that period's budget."""

    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="budgets")
    sek_per_year = models.PositiveIntegerField(_("budget (SEK per year)"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("The last day in force; empty while it lasts.")
    )

    objects = InForceQuerySet.as_manager()
    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["district__name", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["district", "valid_from"], name="one_budget_per_start"),
            valid_range_constraint("budget_valid_range"),
        ]

    def __str__(self) -> str:
        return f"{self.district}: {self.sek_per_year} ({self.valid_from})"

    def clean(self) -> None:
        if self.district_id:
            same = Budget.objects.filter(district_id=self.district_id)
            message = _("The district already has a budget in these dates. End it the day before this one begins.")
            check_in_force(self, same, message)


class Network(models.Model):
    """A regional network of districts that share activities or a budget (Sydost, Innerstaden)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    districts = models.ManyToManyField(District, verbose_name=_("districts"), related_name="networks")
    note = models.TextField(_("note"), blank=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("districts",)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SupportPurchase(models.Model):
    """A district buying caregiver support for one target group from another district."""

    buyer = models.ForeignKey(
        District, verbose_name=_("buying district"), on_delete=models.CASCADE, related_name="purchases"
    )
    seller = models.ForeignKey(
        District, verbose_name=_("selling district"), on_delete=models.PROTECT, related_name="sales"
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    share_percent = models.PositiveSmallIntegerField(
        _("share (%)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of a full-time post bought."),
    )

    objects = DistrictScopedQuerySet.as_manager()
    # Both parties to a purchase see it.
    district_scope_paths = ("buyer", "seller")

    class Meta:
        verbose_name = _("purchase of caregiver support")
        verbose_name_plural = _("purchases of caregiver support")
        ordering = ["buyer__name", "target_group"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "seller", "target_group"], name="unique_support_purchase"),
            models.CheckConstraint(condition=~models.Q(buyer=models.F("seller")), name="purchase_not_from_self"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} ← {self.seller} ({self.get_target_group_display()})"

    def clean(self) -> None:
        # A purchase is between two districts of one municipality: it is seen from both sides.
        if self.buyer_id and self.seller_id and self.buyer.municipality_id != self.seller.municipality_id:
            raise ValidationError(
                {"seller": _("A district buys support only from a district of its own municipality.")}
            )


class CaregiverRepresentativeCount(models.Model):
    """How many caregiver representatives (anhörigombud) a district has for a target group."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="representative_counts"
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    count = models.PositiveSmallIntegerField(_("number"), null=True, blank=True, help_text=_("Empty if unknown."))
    note = models.TextField(_("note"), blank=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("caregiver representatives")
        verbose_name_plural = _("caregiver representatives")
        ordering = ["district__name", "target_group"]
        constraints = [
            models.UniqueConstraint(fields=["district", "target_group"], name="unique_representative_count"),
        ]

    def __str__(self) -> str:
        return f"{self.district}: {self.get_target_group_display()}"
