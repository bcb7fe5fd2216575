from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "benchmark"
    verbose_name = _("Benchmark of municipalities")

    def ready(self) -> None:
        # The follow-up report's benchmark section: registered from here, since the follow-up app
        # stands below this one and may not import it.
        from followup.report_parts import register_report_part

        from .reports import benchmark_report_content, benchmark_report_tables

        register_report_part("benchmark", benchmark_report_content, benchmark_report_tables)
