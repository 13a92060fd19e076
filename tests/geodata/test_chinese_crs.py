"""GCJ-02 / BD-09 conversions against published reference pairs."""

from __future__ import annotations

import numpy as np
import pytest

from geodata import chinese_crs as cc
from models.geodesy import GEOD

# (wgs lon, wgs lat, gcj lon, gcj lat): the reference pairs published with the eviltransform
# project's tests (Shanghai, Shenzhen, Beijing).
GCJ_PAIRS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
]


@pytest.mark.parametrize("wlon,wlat,glon,glat", GCJ_PAIRS)
def test_wgs84_to_gcj02_matches_published_pairs(wlon, wlat, glon, glat):
    lon, lat = cc.wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize("wlon,wlat,glon,glat", GCJ_PAIRS)
def test_gcj02_to_wgs84_inverts_within_documented_accuracy(wlon, wlat, glon, glat):
    lon, lat = cc.gcj02_to_wgs84(glon, glat)
    err_m = GEOD.inv(lon, lat, wlon, wlat)[2]
    assert err_m < cc.INVERSE_ACCURACY_M


def test_offset_in_quanzhou_is_half_a_kilometre():
    # the offset the architecture guide warns about: 0.5–1.2 km in Quanzhou
    lon, lat = cc.wgs84_to_gcj02(118.6, 24.9)
    d = GEOD.inv(118.6, 24.9, lon, lat)[2]
    assert 300 < d < 1200


def test_arrays_round_trip_over_the_city():
    rng = np.random.default_rng(1)
    lon = rng.uniform(117.5, 119.1, 1000)
    lat = rng.uniform(24.3, 26.0, 1000)
    glon, glat = cc.wgs84_to_gcj02(lon, lat)
    blon, blat = cc.gcj02_to_bd09(glon, glat)
    wlon, wlat = cc.bd09_to_wgs84(blon, blat)
    _, _, err = GEOD.inv(lon, lat, wlon, wlat)
    # both inverses are iterated to the documented accuracy
    assert float(np.max(err)) < cc.INVERSE_ACCURACY_M


def test_bd09_is_gcj02_plus_baidus_offset():
    # BD-09 adds Baidu's fixed 0.0065/0.006 degree shift (plus a small rotation) to GCJ-02
    lon, lat = cc.gcj02_to_bd09(118.6, 24.9)
    assert 0.005 < lon - 118.6 < 0.008
    assert 0.005 < lat - 24.9 < 0.008
    back = cc.bd09_to_gcj02(lon, lat)
    assert GEOD.inv(118.6, 24.9, *back)[2] < cc.INVERSE_ACCURACY_M


def test_outside_china_is_unchanged():
    assert cc.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_unknown_source_system_is_a_clear_error():
    with pytest.raises(ValueError, match="gcj02"):
        cc.to_cgcs2000(118.0, 24.0, "beijing54")
