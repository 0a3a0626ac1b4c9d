"""Synthetic ACLED-format files with realistic shapes, for benchmarks (not ACLED data).

Distributions: tens of countries (real ISO numeric codes), a few thousand actors with a Zipf-like
long tail, the six event types in roughly ACLED's proportions, five years of dates, thousands of
places per country, 0-heavy fatalities, notes of typical length.

    python -m benchmarks.acled_gen 100000 out.csv
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

from loaders.acled import OPTIONAL, REQUIRED

COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
           "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
           "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
           "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
           "fatalities", "tags", "timestamp"]
assert set(COLUMNS) == set(REQUIRED) | set(OPTIONAL)

COUNTRIES = [("646", "Rwanda"), ("180", "Democratic Republic of Congo"), ("108", "Burundi"), ("800", "Uganda"),
             ("728", "South Sudan"), ("729", "Sudan"), ("140", "Central African Republic"), ("404", "Kenya"),
             ("834", "Tanzania"), ("024", "Angola"), ("178", "Republic of Congo"), ("894", "Zambia"),
             ("070", "Bosnia and Herzegovina"), ("688", "Serbia"), ("499", "Montenegro"), ("807", "North Macedonia"),
             ("008", "Albania"), ("417", "Kyrgyzstan"), ("762", "Tajikistan"), ("860", "Uzbekistan"),
             ("398", "Kazakhstan"), ("795", "Turkmenistan"), ("368", "Iraq"), ("760", "Syria"), ("887", "Yemen"),
             ("422", "Lebanon"), ("364", "Iran"), ("792", "Turkey"), ("818", "Egypt"), ("400", "Jordan"),
             ("104", "Myanmar"), ("566", "Nigeria"), ("466", "Mali"), ("854", "Burkina Faso"), ("562", "Niger"),
             ("148", "Chad"), ("231", "Ethiopia"), ("706", "Somalia"), ("004", "Afghanistan"), ("586", "Pakistan")]
TYPES = [("Battles", "Armed clash", 0.30), ("Violence against civilians", "Attack", 0.20),
         ("Violence against civilians", "Abduction/forced disappearance", 0.04),
         ("Violence against civilians", "Sexual violence", 0.01),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.10),
         ("Explosions/Remote violence", "Air/drone strike", 0.06), ("Protests", "Peaceful protest", 0.17),
         ("Riots", "Mob violence", 0.05), ("Strategic developments", "Looting/property destruction", 0.04),
         ("Strategic developments", "Arrests", 0.03)]
INTER = ["State forces", "Rebel group", "Political militia", "Identity militia", "External/Other forces"]


def generate(rows: int, path: Path, seed: int = 7, countries: list[tuple[str, str]] | None = None) -> Path:
    """``rows`` synthetic rows in ``path``, over :data:`COUNTRIES` or the ``countries`` given."""
    rng = random.Random(seed)
    countries = countries or COUNTRIES
    actors = []
    for i in range(3000):
        iso, country = countries[i % len(countries)]
        kind = INTER[i % len(INTER)]
        suffix = " (2016-2021)" if i % 9 == 0 else ""
        actors.append((f"Synthetic {kind} {i} ({country}){suffix}", kind, iso, country))
    weights = [1 / (r + 1) ** 0.9 for r in range(len(actors))]
    places = {iso: [(f"Place {iso}-{j}", f"Admin1 {j % 12}", f"Admin2 {j % 60}",
                     round(rng.uniform(-10, 40), 4), round(rng.uniform(-10, 60), 4)) for j in range(1500)]
              for iso, _ in countries}
    type_weights = [t[2] for t in TYPES]
    start = dt.date(2020, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        picks = rng.choices(range(len(actors)), weights=weights, k=rows)
        for n in range(rows):
            name, kind, iso, country = actors[picks[n]]
            event_type, sub, _ = rng.choices(TYPES, weights=type_weights)[0]
            place, a1, a2, lat, lon = rng.choice(places[iso])
            vac = event_type == "Violence against civilians"
            other = actors[rng.randrange(len(actors))]
            actor2 = f"Civilians ({country})" if vac else (other[0] if event_type == "Battles" else "")
            date = start + dt.timedelta(days=rng.randrange(5 * 365))
            fatalities = 0 if rng.random() < 0.6 else int(rng.expovariate(0.2))
            writer.writerow([
                f"SYN{n}", date.isoformat(), date.year, rng.choice((1, 1, 1, 2, 3)),
                "Demonstrations" if event_type in ("Protests", "Riots") else "Political violence",
                event_type, sub, name, "", kind, actor2, "", "Civilians" if vac else (other[1] if actor2 else ""),
                "", "Civilian targeting" if vac else "", iso, "Synthetic", country, a1, a2, "", place, lat, lon,
                rng.choice((1, 1, 2, 3)), "Synthetic source", "National",
                "Synthetic benchmark row; not ACLED data. " + "x" * rng.randrange(40, 160), fatalities, "",
                1700000000 + n])
    return path


def changed_copy(path: Path, out: Path, every: int = 100) -> dict[str, int]:
    """A later export of the same file: one row in ``every`` differs, in turns its fatalities (an event
    column), its actor1 (a link only), gone, or beside a new row. Returns how many of each."""
    counts = {"fatalities": 0, "actor": 0, "removed": 0, "added": 0}
    with path.open(newline="", encoding="utf-8") as src, out.open("w", newline="", encoding="utf-8") as dst:
        reader, writer = csv.reader(src), csv.writer(dst)
        header = next(reader)
        writer.writerow(header)
        col = {name: i for i, name in enumerate(header)}
        previous_actor = "Synthetic Rebel group 1 (Rwanda)"
        for n, row in enumerate(reader):
            turn = (n // every) % 4 if n % every == 0 else -1
            actor = row[col["actor1"]]
            if turn == 0:
                row[col["fatalities"]] = str(int(row[col["fatalities"]]) + 1)
                counts["fatalities"] += 1
            elif turn == 1 and actor != previous_actor:
                row[col["actor1"]] = previous_actor
                counts["actor"] += 1
            elif turn == 2:
                counts["removed"] += 1
                continue
            writer.writerow(row)
            if turn == 3:
                row[col["event_id_cnty"]] = f"NEW{n}"
                writer.writerow(row)
                counts["added"] += 1
            previous_actor = actor
    return counts


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
