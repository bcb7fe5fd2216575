"""Where a dashboard's time goes: each part of the district dashboard and the city page, timed alone.

Run by hand on a database ``figures_engine.py`` built (not in CI):

    .venv/bin/python bench/dashboard_parts.py --contacts 1000000 [--runs 20] [--kind year|month|30|13]

Prints the median of each part (the selectors the view calls, the tables, the template) and the
whole request, so a change can be aimed at the part that costs.
"""

import argparse
import datetime
import statistics
import time

from _setup import prepare


def median_ms(call, runs: int) -> float:
    call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--kind", default="year", choices=["year", "month", "30", "13"])
    args = parser.parse_args()
    prepare(args.contacts, reuse=True)
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from collaboration.selectors import collaboration_dashboard
    from districts.models import District
    from figures.periods import Period
    from followup.selectors import district_dashboard, district_figures, district_profile
    from followup.tables import dashboard_tables
    from goals.selectors import dashboard_goals
    from outcomes.selectors import outcome_dashboard

    today = timezone.localdate()
    period = {
        "year": Period.containing("year", today),
        "month": Period.containing("month", today),
        "30": Period.custom(today - datetime.timedelta(days=29), today),
        "13": Period.custom((today.replace(day=1) - datetime.timedelta(days=365)).replace(day=1), today),
    }[args.kind]
    params = {
        "year": {"kind": "year", "year": today.year},
        "month": {"kind": "month", "year": today.year, "month": today.month},
        "30": {"kind": "custom", "year": today.year, "start": period.start, "end": period.end},
        "13": {"kind": "custom", "year": today.year, "start": period.start, "end": period.end},
    }[args.kind]
    district = District.objects.get(code="bromma")
    data = district_dashboard(district=district, period=period)
    parts = {
        "district_figures (all districts)": lambda: district_figures(period=period),
        "district_dashboard": lambda: district_dashboard(district=district, period=period),
        "  district_profile": lambda: district_profile(district=district, period=period),
        "dashboard_tables": lambda: dashboard_tables(data=data, period=period),
        "outcome_dashboard": lambda: outcome_dashboard(district=district, period=period),
        "dashboard_goals": lambda: dashboard_goals(district=district, year=period.end.year),
        "collaboration_dashboard": lambda: collaboration_dashboard(district=district, period=period),
    }
    for label, call in parts.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        print(f"  {label:<36} {median_ms(call, args.runs):8.1f} ms  {len(queries):3d} queries", flush=True)
    client = Client()
    client.force_login(User.objects.get(username="chef.bromma"))
    # The body is rendered inside the view (and kept): catch its context on the way.
    import followup.views

    captured = {}
    render = followup.views.render_to_string
    followup.views.render_to_string = lambda name, context, **kw: captured.setdefault(name, context) and ""
    from django.core.cache import cache

    cache.clear()
    client.get("/dashboard/bromma/", params)
    followup.views.render_to_string = render
    context = captured["followup/_dashboard_body.html"]
    alone = median_ms(lambda: render_to_string("followup/_dashboard_body.html", context), args.runs)
    print(f"  {'template alone (the body)':<36} {alone:8.1f} ms")

    def computed(url, who):
        cache.clear()  # the page computed, not kept
        return who.get(url, params)

    print(f"  {'whole request':<36} {median_ms(lambda: computed('/dashboard/bromma/', client), args.runs):8.1f} ms")
    strategist = Client()
    strategist.force_login(User.objects.get(username="strateg"))
    print(f"  {'city page':<36} {median_ms(lambda: computed('/city/', strategist), args.runs):8.1f} ms")


if __name__ == "__main__":
    main()
