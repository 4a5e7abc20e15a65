"""The Data page's time-zone choices are listed once per process (app.uploads.time_zones)."""

from __future__ import annotations

from app import uploads


def test_utc_first_then_every_zone_by_name_listed_once():
    zones = uploads.time_zones()
    assert zones[0] == "UTC" and zones.count("UTC") == 1
    assert "Europe/Dublin" in zones and list(zones[1:]) == sorted(zones[1:])
    assert uploads.time_zones() is zones  # not listed from the disk again
