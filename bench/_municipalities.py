"""Sweden's 290 municipalities for the benchmark at national scale (``bench/municipalities.py``).

The kommunkoder and names are the real ones (Statistics Sweden's list, 290 municipalities). The
populations are **synthetic**: a two-piece log-normal fitted to Sweden's (median 16,000, smallest
about 2,400, some 10.5 million in all), with Göteborg (600,000), Malmö (360,000) and Uppsala (245,000)
pinned, the next largest given to the fifty or so largest towns in roughly their real order of size
(``LARGEST``), the rest at random. Stockholm keeps its reference data (0180, 962,154 inhabitants, 14
districts); every other municipality gets one unit district, its offerings, consultants and
allocations scaled by population (a full-time post per 25,000-35,000 inhabitants, at least 0.5) and a
budget (SEK 700,000-1,000,000 a full-time post), all written in bulk.
"""

from __future__ import annotations

import datetime
import math
import random
from statistics import NormalDist

STOCKHOLM = "0180"
SWEDEN_INHABITANTS = 10_500_000
MEDIAN_INHABITANTS = 16_000
SMALLEST_INHABITANTS = 2_400
PINNED = {"1480": 600_000, "1280": 360_000, "0380": 245_000}  # Göteborg, Malmö, Uppsala
INHABITANTS_PER_POST = (25_000, 35_000)
SEK_PER_POST = (700_000, 1_000_000)
# The largest municipalities after the pinned three, roughly largest first: they get the next largest
# of the synthetic populations, in this order.
LARGEST = [
    "0580", "0581", "1880", "1980", "1283", "0680", "2480", "1281", "1490", "0126", "0484", "0182", "1380", "2180",
    "0181", "2281", "1780", "0780", "0127", "1290", "1384", "2580", "0123", "0136", "2482", "0184", "0160", "0880",
    "1481", "1383", "0163", "2380", "0188", "1488", "2080", "2081", "1485", "0980", "1496", "0138", "0114", "0480",
    "2284", "1080", "0183", "0186", "0120", "0117", "0381", "1287",
]  # fmt: skip
COMPONENTS = {
    "65_plus": ["advice", "guidance_talks", "own_groups", "circles", "lectures", "wellbeing", "meeting_place",
                "home_visits", "meeting_support", "needs_assessed"],
    "under_65": ["advice", "guidance_talks", "wellbeing", "lectures", "own_groups", "meeting_place"],
}  # fmt: skip

# "kommunkod name;" for all 290.
KOMMUNER = """
0114 Upplands Väsby; 0115 Vallentuna; 0117 Österåker; 0120 Värmdö; 0123 Järfälla; 0125 Ekerö;
0126 Huddinge; 0127 Botkyrka; 0128 Salem; 0136 Haninge; 0138 Tyresö; 0139 Upplands-Bro; 0140 Nykvarn;
0160 Täby; 0162 Danderyd; 0163 Sollentuna; 0180 Stockholm; 0181 Södertälje; 0182 Nacka; 0183 Sundbyberg;
0184 Solna; 0186 Lidingö; 0187 Vaxholm; 0188 Norrtälje; 0191 Sigtuna; 0192 Nynäshamn; 0305 Håbo;
0319 Älvkarleby; 0330 Knivsta; 0331 Heby; 0360 Tierp; 0380 Uppsala; 0381 Enköping; 0382 Östhammar;
0428 Vingåker; 0461 Gnesta; 0480 Nyköping; 0481 Oxelösund; 0482 Flen; 0483 Katrineholm; 0484 Eskilstuna;
0486 Strängnäs; 0488 Trosa; 0509 Ödeshög; 0512 Ydre; 0513 Kinda; 0560 Boxholm; 0561 Åtvidaberg;
0562 Finspång; 0563 Valdemarsvik; 0580 Linköping; 0581 Norrköping; 0582 Söderköping; 0583 Motala;
0584 Vadstena; 0586 Mjölby; 0604 Aneby; 0617 Gnosjö; 0642 Mullsjö; 0643 Habo; 0662 Gislaved; 0665 Vaggeryd;
0680 Jönköping; 0682 Nässjö; 0683 Värnamo; 0684 Sävsjö; 0685 Vetlanda; 0686 Eksjö; 0687 Tranås;
0760 Uppvidinge; 0761 Lessebo; 0763 Tingsryd; 0764 Alvesta; 0765 Älmhult; 0767 Markaryd; 0780 Växjö;
0781 Ljungby; 0821 Högsby; 0834 Torsås; 0840 Mörbylånga; 0860 Hultsfred; 0861 Mönsterås; 0862 Emmaboda;
0880 Kalmar; 0881 Nybro; 0882 Oskarshamn; 0883 Västervik; 0884 Vimmerby; 0885 Borgholm; 0980 Gotland;
1060 Olofström; 1080 Karlskrona; 1081 Ronneby; 1082 Karlshamn; 1083 Sölvesborg; 1214 Svalöv;
1230 Staffanstorp; 1231 Burlöv; 1233 Vellinge; 1256 Östra Göinge; 1257 Örkelljunga; 1260 Bjuv;
1261 Kävlinge; 1262 Lomma; 1263 Svedala; 1264 Skurup; 1265 Sjöbo; 1266 Hörby; 1267 Höör; 1270 Tomelilla;
1272 Bromölla; 1273 Osby; 1275 Perstorp; 1276 Klippan; 1277 Åstorp; 1278 Båstad; 1280 Malmö; 1281 Lund;
1282 Landskrona; 1283 Helsingborg; 1284 Höganäs; 1285 Eslöv; 1286 Ystad; 1287 Trelleborg;
1290 Kristianstad; 1291 Simrishamn; 1292 Ängelholm; 1293 Hässleholm; 1315 Hylte; 1380 Halmstad;
1381 Laholm; 1382 Falkenberg; 1383 Varberg; 1384 Kungsbacka; 1401 Härryda; 1402 Partille; 1407 Öckerö;
1415 Stenungsund; 1419 Tjörn; 1421 Orust; 1427 Sotenäs; 1430 Munkedal; 1435 Tanum; 1438 Dals-Ed;
1439 Färgelanda; 1440 Ale; 1441 Lerum; 1442 Vårgårda; 1443 Bollebygd; 1444 Grästorp; 1445 Essunga;
1446 Karlsborg; 1447 Gullspång; 1452 Tranemo; 1460 Bengtsfors; 1461 Mellerud; 1462 Lilla Edet; 1463 Mark;
1465 Svenljunga; 1466 Herrljunga; 1470 Vara; 1471 Götene; 1472 Tibro; 1473 Töreboda; 1480 Göteborg;
1481 Mölndal; 1482 Kungälv; 1484 Lysekil; 1485 Uddevalla; 1486 Strömstad; 1487 Vänersborg;
1488 Trollhättan; 1489 Alingsås; 1490 Borås; 1491 Ulricehamn; 1492 Åmål; 1493 Mariestad; 1494 Lidköping;
1495 Skara; 1496 Skövde; 1497 Hjo; 1498 Tidaholm; 1499 Falköping; 1715 Kil; 1730 Eda; 1737 Torsby;
1760 Storfors; 1761 Hammarö; 1762 Munkfors; 1763 Forshaga; 1764 Grums; 1765 Årjäng; 1766 Sunne;
1780 Karlstad; 1781 Kristinehamn; 1782 Filipstad; 1783 Hagfors; 1784 Arvika; 1785 Säffle; 1814 Lekeberg;
1860 Laxå; 1861 Hallsberg; 1862 Degerfors; 1863 Hällefors; 1864 Ljusnarsberg; 1880 Örebro; 1881 Kumla;
1882 Askersund; 1883 Karlskoga; 1884 Nora; 1885 Lindesberg; 1904 Skinnskatteberg; 1907 Surahammar;
1960 Kungsör; 1961 Hallstahammar; 1962 Norberg; 1980 Västerås; 1981 Sala; 1982 Fagersta; 1983 Köping;
1984 Arboga; 2021 Vansbro; 2023 Malung-Sälen; 2026 Gagnef; 2029 Leksand; 2031 Rättvik; 2034 Orsa;
2039 Älvdalen; 2061 Smedjebacken; 2062 Mora; 2080 Falun; 2081 Borlänge; 2082 Säter; 2083 Hedemora;
2084 Avesta; 2085 Ludvika; 2101 Ockelbo; 2104 Hofors; 2121 Ovanåker; 2132 Nordanstig; 2161 Ljusdal;
2180 Gävle; 2181 Sandviken; 2182 Söderhamn; 2183 Bollnäs; 2184 Hudiksvall; 2260 Ånge; 2262 Timrå;
2280 Härnösand; 2281 Sundsvall; 2282 Kramfors; 2283 Sollefteå; 2284 Örnsköldsvik; 2303 Ragunda;
2305 Bräcke; 2309 Krokom; 2313 Strömsund; 2321 Åre; 2326 Berg; 2361 Härjedalen; 2380 Östersund;
2401 Nordmaling; 2403 Bjurholm; 2404 Vindeln; 2409 Robertsfors; 2417 Norsjö; 2418 Malå; 2421 Storuman;
2422 Sorsele; 2425 Dorotea; 2460 Vännäs; 2462 Vilhelmina; 2463 Åsele; 2480 Umeå; 2481 Lycksele;
2482 Skellefteå; 2505 Arvidsjaur; 2506 Arjeplog; 2510 Jokkmokk; 2513 Överkalix; 2514 Kalix;
2518 Övertorneå; 2521 Pajala; 2523 Gällivare; 2560 Älvsbyn; 2580 Luleå; 2581 Piteå; 2582 Boden;
2583 Haparanda; 2584 Kiruna;
"""


def kommuner() -> list[tuple[str, str]]:
    """(kommunkod, name) of Sweden's 290 municipalities, by code."""
    items = (item.strip() for item in KOMMUNER.replace("\n", " ").split(";"))
    return [(item[:4], item[5:]) for item in items if item]


def populations(seed: int) -> dict[str, int]:
    """Synthetic inhabitants of every municipality but Stockholm, by kommunkod (see the module's text)."""
    codes = [code for code, _name in kommuner() if code != STOCKHOLM]
    n = len(codes)
    z = [NormalDist().inv_cdf((i + 0.5) / n) for i in range(n)]
    low = math.log(MEDIAN_INHABITANTS / SMALLEST_INHABITANTS) / -z[0]
    target = SWEDEN_INHABITANTS - 962_154

    def curve(high: float) -> list[float]:
        values = [MEDIAN_INHABITANTS * math.exp((low if x < 0 else high) * x) for x in z]
        return values[: n - len(PINNED)] + sorted(PINNED.values())

    lo, hi = 0.1, 3.0  # the spread above the median that makes the total Sweden's
    for _ in range(60):
        lo, hi = (lo, (lo + hi) / 2) if sum(curve((lo + hi) / 2)) > target else ((lo + hi) / 2, hi)
    values = sorted((round(v) for v in curve(lo)[: n - len(PINNED)]), reverse=True)
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data
    others = [c for c in codes if c not in PINNED and c not in LARGEST]
    rng.shuffle(others)
    return dict(PINNED) | dict(zip(list(LARGEST) + others, values, strict=True))


def unit_code(code: str, name: str) -> str:
    from django.utils.text import slugify

    return f"{slugify(name)}-{code}"


def build(*, seed: int, since: datetime.date) -> dict[str, int]:
    """The 289 municipalities besides Stockholm with their units, offerings, staffing (allocations in
    force from ``since``) and budgets; returns every municipality's inhabitants by kommunkod."""
    from consultants.models import Allocation, Consultant
    from districts.models import Budget, District, Municipality
    from interventions.models import DistrictOffering, InterventionType

    rng = random.Random(seed + 1)  # noqa: S311 - reproducible synthetic data
    people = populations(seed)
    names = dict(kommuner())
    Municipality.objects.bulk_create(
        [Municipality(code=code, name=names[code], inhabitants=inhabitants) for code, inhabitants in people.items()]
    )
    municipalities = {m.code: m for m in Municipality.objects.exclude(code=STOCKHOLM)}
    District.objects.bulk_create(
        [
            District(municipality=m, code=unit_code(code, m.name), name=f"{m.name} anhörigstöd",
                     placement="Anhörigstödet (kommunens enda enhet)", own_budget=True, inhabitants=m.inhabitants)
            for code, m in municipalities.items()
        ]
    )  # fmt: skip
    units = {d.municipality.code: d for d in District.objects.select_related("municipality").exclude(
        municipality__code=STOCKHOLM)}  # fmt: skip
    types = {t.code: t for t in InterventionType.objects.all()}
    offerings, consultants, posts, budgets = [], [], [], []
    for code, unit in sorted(units.items()):
        for target, components in COMPONENTS.items():
            kept = [c for c in components if c in ("advice", "guidance_talks") or rng.random() < 0.75]
            offerings += [
                DistrictOffering(district=unit, target_group=target, intervention_type=types[c]) for c in kept
            ]
        fte = max(0.5, unit.inhabitants / rng.uniform(*INHABITANTS_PER_POST))
        percents = [100] * int(fte)
        rest = round((fte - int(fte)) * 10) * 10
        if rest:
            percents.append(rest)
        for number, percent in enumerate(percents, start=1):
            target = "all" if len(percents) == 1 else ("under_65" if number % 3 == 0 else "65_plus")
            consultants.append(Consultant(ref=f"B{code}-{number:02d}", home_district=unit, employment_percent=percent,
                                          target_group=target))  # fmt: skip
            posts.append((unit, target, percent))
        budgets.append(
            Budget(district=unit, sek_per_year=round(fte * rng.uniform(*SEK_PER_POST), -3), valid_from=since)
        )
    DistrictOffering.objects.bulk_create(offerings)
    created = Consultant.objects.bulk_create(consultants)
    Allocation.objects.bulk_create(
        [
            Allocation(consultant=c, district=unit, target_group=target, percent=percent, valid_from=since)
            for c, (unit, target, percent) in zip(created, posts, strict=True)
        ]
    )
    Budget.objects.bulk_create(budgets)
    stockholm = Municipality.objects.get(code=STOCKHOLM)
    return {STOCKHOLM: stockholm.inhabitants} | people
