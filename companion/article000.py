"""Article 000 (Fazylzhan 2022, UK and Kazakhstan): the computations behind its claims and tables."""

from __future__ import annotations

from . import kazstat
from .ledger import Recomputed, recomputes, recomputes_table

CHAPTER = "chapters/participation-uk-kz"
TABLE1A_NOTEBOOK = f"{CHAPTER}/01_table1a_kz_regions.ipynb"


@recomputes_table("table1a_kz_regions", sources=("kz_sdg_17_8_1", "kz_ref_area_en"),
                  notebook=TABLE1A_NOTEBOOK, tolerance=0.05,
                  note="printed to one decimal; tolerance is half of the last printed digit")
def table1a():
    return kazstat.table1a()


def kz_national_share(year: int) -> float:
    shares = kazstat.internet_share()
    return float(shares.query("area_code == @kazstat.NATIONAL and year == @year")["share"].item())


@recomputes("000-kz-share-2020")
def kz_share_2020() -> Recomputed:
    return Recomputed(kz_national_share(2020), ("kz_sdg_17_8_1",), TABLE1A_NOTEBOOK)
