"""An independent reference for the goal projection, for the tests only.

The metric is defined once, in SQL: ``goal_readiness(as_of)`` in
``sql/models/metrics/100_goal_readiness.sql`` computes each goal's terms from the
warehouse and projects them; the product has no other copy. ``project`` below is the
same arithmetic on plain numbers, written separately so that tests/test_forecast.py can
pin the SQL to it on synthetic histories (a test oracle, not product code).

Method ("pace of the last 180 days + enrolments - expiries, 80% band"), over the
goal's population today (assumed to stay as it is until the deadline):

- ``M`` people at the goal's level now, ``P`` the population, ``h`` days left;
- ``k`` arrivals in the last ``L`` = 180 days (members reaching the level), so the
  historical pace of evidence is ``k / L`` people a day;
- ``E`` members at the level whose evidence all lapses on or before the deadline;
- ``I`` members below the level with an open enrolment in a course that teaches it,
  each ending in evidence with probability ``p`` (the pass share of those courses'
  records in the last ``L`` days).

Expected people at the level on the deadline ``m = M - E + p*I + k*h/L`` (clamped to
``0..P``); variance ``k*(h/L)*(1 + h/L) + I*p*(1 - p)`` (arrivals: a Poisson count whose
rate is itself estimated from ``k`` events, i.e. negative binomial; enrolments:
binomial); the band is ``m -/+ 1.2816`` standard deviations (10th to 90th percentile,
normal approximation). Status: achieved when the share already reaches the target;
off track when the deadline has passed or even the band's high end misses; on track
when the band's low end reaches it; at risk in between.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

METHOD = "pace of the last 180 days + enrolments - expiries, 80% band"
LOOKBACK_DAYS = 180
#: The 90th percentile of the standard normal: the band runs from the 10th to the 90th percentile.
Z_80 = 1.2816
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Forecast:
    """One goal's projection to its deadline (shares in 0..1, paces in people a month)."""

    share: float | None
    projected_share: float | None
    projected_low: float | None
    projected_high: float | None
    pace_per_month: float
    pace_needed_per_month: float | None
    status: str | None


def project(
    population: int,
    meeting: int,
    target_share: float,
    days_left: int,
    arrivals: int,
    expiring: int = 0,
    enrolled: int = 0,
    pass_rate: float = 0.0,
    lookback_days: int = LOOKBACK_DAYS,
    z: float = Z_80,
) -> Forecast:
    """The projection of one goal from its terms (see the module docstring)."""
    pace = arrivals / lookback_days * DAYS_PER_MONTH
    if not population:
        return Forecast(None, None, None, None, pace, None, None)
    share = meeting / population
    days_left = max(days_left, 0)
    if days_left == 0:
        projected = low = high = share
        needed = None
        expiring = 0
    else:
        committed = meeting - expiring + pass_rate * enrolled
        ratio = days_left / lookback_days
        m = committed + arrivals * ratio
        sd = math.sqrt(arrivals * ratio * (1 + ratio) + enrolled * pass_rate * (1 - pass_rate))

        def clamp(v: float) -> float:
            return min(max(v, 0.0), population) / population

        projected, low, high = clamp(m), clamp(m - z * sd), clamp(m + z * sd)
        needed = max(target_share * population - committed, 0.0) / days_left * DAYS_PER_MONTH
    if share >= target_share:
        status = "achieved"
    elif days_left == 0:
        status = "off_track"
    elif low >= target_share:
        status = "on_track"
    elif high >= target_share:
        status = "at_risk"
    else:
        status = "off_track"
    return Forecast(share, projected, low, high, pace, needed, status)


def goal_forecasts(
    con: duckdb.DuckDBPyConnection, as_of: date, root: str | None = None, unit: str | None = None
) -> pl.DataFrame:
    """Each goal's terms and projection as the warehouse computes them (goal_readiness)."""
    return con.sql(
        """
        select goal_id, name, skill, deadline, population, meeting, share, target_share, days_left,
               arrivals_180_days, expiring_before_deadline, enrolled_in_progress, pass_rate,
               projected_share, projected_low, projected_high, pace_per_month, pace_needed_per_month,
               projection_method, status
        from goal_readiness($as_of, root := $root, org_unit := $unit)
        order by goal_id
    """,
        params={"as_of": as_of, "root": root, "unit": unit},
    ).pl()


def mirror(row: dict) -> Forecast:
    """The Python projection of a goal_forecasts row, from its own terms (for tests and checks)."""
    return project(
        row["population"],
        row["meeting"],
        row["target_share"],
        row["days_left"],
        row["arrivals_180_days"],
        row["expiring_before_deadline"],
        row["enrolled_in_progress"],
        row["pass_rate"],
    )
