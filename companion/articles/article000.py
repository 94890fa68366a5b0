"""Article 000 (Fazylzhan 2022, UK and Kazakhstan): the computations behind its claims and tables.

Chapter: ``chapters/participation-uk-kz/``.

Sources: the Bureau of National Statistics' SDG 17.8.1 file and its area codes
(``kazstat_sdg_17_8_1``, ``kazstat_ref_area_en``, :mod:`companion.sources.kazstat`), the ONS bulletin
"Internet users, UK: 2020" and the UK's SDG 17.8.1 file (``ons_internet_users_2020``,
``ons_sdg_17_8_1``, :mod:`companion.sources.ons`), and our transcriptions under ``data/published/``
(Tables 1 a) and 1 b), the e-voting milestones as the article states them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from companion.core.precision import rounded
from companion.ledger import OTHER, Recomputed, not_checkable_claims, recomputes, recomputes_table
from companion.sources import kazstat, ons, published, schemas

# ---- Constants -----------------------------------------------------------------------------------

CHAPTER = "chapters/participation-uk-kz"
TABLE1A_NOTEBOOK = f"{CHAPTER}/01_table1a_kz_regions.ipynb"
TABLE1B_NOTEBOOK = f"{CHAPTER}/02_table1b_uk_regions.ipynb"
CLAIMS_NOTEBOOK = f"{CHAPTER}/03_text_claims.ipynb"
SIDE_BY_SIDE_NOTEBOOK = f"{CHAPTER}/04_areas_side_by_side.ipynb"
LONG_RUN_NOTEBOOK = f"{CHAPTER}/05_long_run.ipynb"
CONVERGENCE_NOTEBOOK = f"{CHAPTER}/06_convergence.ipynb"
TIMELINE_NOTEBOOK = f"{CHAPTER}/07_evoting_timeline.ipynb"

KAZSTAT_KEYS = ("kazstat_sdg_17_8_1",)
TABLE1A_KEYS = ("kazstat_sdg_17_8_1", "kazstat_ref_area_en")
ONS_KEYS = ("ons_internet_users_2020",)

UK_WHOLE_COUNTRY = "The whole country"
UK_16_44 = ("16-24", "25-34", "35-44")
UK_RECENT_YEARS = (2017, 2020)
# The article spells Karagandy as Karaganda; the comparison uses the names of Table 1 a).
LEADERS_AS_PRINTED = "Almaty, Nur-Sultan; Karagandy, Pavlodar"
NO_EVOTING_SOURCE = (
    "no public dataset in data/sources.yaml records e-voting pilots or election-law dates; "
    "the date is shown in the timeline as stated in the article"
)
NO_SOCIAL_SOURCE = (
    "no public data on tweets, retweets or followers in data/sources.yaml (the counts come "
    "from a study the article does not cite by number)"
)


# ---- Loaders used --------------------------------------------------------------------------------


def kz_national_share(year: int) -> float:
    shares = kazstat.internet_share()
    return float(shares.query("area_code == @kazstat.NATIONAL and year == @year")["share"].item())


def uk_adults(category: str, group: str, year: int) -> float:
    """One cell of ONS table 1B (percentages): e.g. ``uk_adults("75+", ons.RECENT, 2020)``."""
    table = ons.adults("1b")
    return float(table.query("category == @category and group == @group and year == @year")["value"].item())


def kz_areas_wide() -> pd.DataFrame:
    """Kazakhstan's areas (no national row): one row per area code, one column per year."""
    shares = kazstat.internet_share()
    shares = shares[shares["area_code"] != kazstat.NATIONAL]
    return shares.pivot(index="area_code", columns="year", values="share")


def evoting_milestones() -> pd.DataFrame:
    """The e-voting milestones the article names (``data/published/article000_evoting_milestones.csv``)."""
    frame = published.table("article000_evoting_milestones")
    frame = schemas.check(frame, schemas.EVOTING_MILESTONES, "article000_evoting_milestones")
    if not (frame["basis"] == "as stated in the article").all():
        raise ValueError("every e-voting milestone must be marked 'as stated in the article'")
    return frame.sort_values(["start_year", "start_month", "country", "event"], na_position="first").reset_index(
        drop=True
    )


# ---- Claims --------------------------------------------------------------------------------------


@recomputes("000-kz-share-2020")
def kz_share_2020() -> Recomputed:
    return Recomputed(kz_national_share(2020), KAZSTAT_KEYS, TABLE1A_NOTEBOOK)


def uk_16_44_share(year: int = 2020) -> float:
    """Share of recent users among adults aged 16-44, weighting the three ONS age bands by size.

    Table 1A gives recent users in thousands, table 1B the share they are of their age band, so each
    band's population (don't-knows included) is users / share; the 16-44 share is the sum of users
    over the sum of populations.
    """
    counts = ons.adults("1a").query("group == @ons.RECENT and year == @year and category in @UK_16_44")
    shares = ons.adults("1b").query("group == @ons.RECENT and year == @year and category in @UK_16_44")
    both = counts.merge(shares, on=["category", "group", "year"], suffixes=("_users", "_share"), validate="1:1")
    if len(both) != len(UK_16_44):
        raise LookupError(f"ONS tables 1A/1B: expected age bands {UK_16_44} in {year}, found {list(both['category'])}")
    population = both["value_users"] / (both["value_share"] / 100)
    return float(100 * both["value_users"].sum() / population.sum())


def _uk(value: float, note: str = "", notebook: str = CLAIMS_NOTEBOOK) -> Recomputed:
    return Recomputed(value, ONS_KEYS, notebook, note)


@recomputes("000-uk-share-2020")
def uk_share_2020() -> Recomputed:
    return _uk(uk_adults("All adults", ons.RECENT, 2020), "ONS table 1B, all adults, used in the last 3 months")


@recomputes("000-uk-share-2019")
def uk_share_2019() -> Recomputed:
    return _uk(uk_adults("All adults", ons.RECENT, 2019), "ONS table 1B, all adults, used in the last 3 months")


@recomputes("000-uk-16-44-share-2020")
def uk_16_44_2020() -> Recomputed:
    return _uk(uk_16_44_share(2020), "ONS tables 1A and 1B: bands 16-24, 25-34 and 35-44 weighted by size")


@recomputes("000-uk-75plus-share-2020")
@recomputes("000-uk-75plus-share-2020-line76")  # the same statement printed again: one claim per place
def uk_75_2020() -> Recomputed:
    return _uk(uk_adults("75+", ons.RECENT, 2020), "ONS table 1B, age 75+")


@recomputes("000-uk-75plus-share-2013")
def uk_75_2013() -> Recomputed:
    return _uk(uk_adults("75+", ons.RECENT, 2013), "ONS table 1B, age 75+")


@recomputes("000-uk-never-2020")
def uk_never_2020() -> Recomputed:
    return _uk(uk_adults("All adults", ons.NEVER, 2020), "ONS table 1B, all adults, never used")


@recomputes("000-uk-never-2019")
def uk_never_2019() -> Recomputed:
    return _uk(uk_adults("All adults", ons.NEVER, 2019), "ONS table 1B, all adults, never used")


def kz_change(start: int = 2019, end: int = 2020) -> dict[str, float]:
    """Change of Kazakhstan's national share: in percentage points and as a relative change (%)."""
    a, b = kz_national_share(start), kz_national_share(end)
    return {"start": a, "end": b, "points": b - a, "percent": 100 * (b - a) / a}


@recomputes("000-kz-increase-2020")
def kz_increase() -> list[Recomputed]:
    """'4 % higher': two readings the words allow, both of the source the article cites."""
    change = kz_change()
    return [
        Recomputed(
            change["points"],
            KAZSTAT_KEYS,
            CLAIMS_NOTEBOOK,
            "88.2 - 84.2 = 4.0 percentage points",
            reading="a rise of 4 percentage points",
        ),
        Recomputed(
            change["percent"],
            KAZSTAT_KEYS,
            CLAIMS_NOTEBOOK,
            "(88.2 - 84.2) / 84.2: a relative rise of about 5 %",
            reading="a relative rise of 4 % (per cent of the 2019 share)",
        ),
    ]


def kz_growth_years(first: int = 2011, last: int = 2020) -> pd.DataFrame:
    """Year-on-year change of the national share of Kazakhstan (national SDG series) and of the UK
    (ONS table 1B, all adults, recent users), ``first``-``last``. Columns: country, year, share, change."""
    kz = kazstat.internet_share().query("area_code == @kazstat.NATIONAL and @first <= year <= @last")
    kz = kz[["year", "share"]].assign(country="Kazakhstan")
    uk = ons.adults("1b").query("category == 'All adults' and group == @ons.RECENT and @first <= year <= @last")
    uk = uk.rename(columns={"value": "share"})[["year", "share"]].assign(country="United Kingdom")
    frame = pd.concat([kz, uk], ignore_index=True).sort_values(["country", "year"])
    frame["change"] = frame.groupby("country")["share"].diff()
    return frame[["country", "year", "share", "change"]].reset_index(drop=True)


def _growth_verdict(frame: pd.DataFrame) -> str:
    parts = []
    for country, part in frame.dropna(subset=["change"]).groupby("country"):
        falls = part.loc[part["change"] <= 0, "year"].tolist()
        if falls:
            parts.append(f"{country}: no rise in {', '.join(str(y) for y in falls)}")
    return "growing every year" if not parts else "; ".join(parts)


@recomputes("000-kz-growing-every-year")
def kz_growing() -> Recomputed:
    frame = kz_growth_years()
    spans = frame.groupby("country")["year"].agg(["min", "max"])
    span_text = "; ".join(f"{c} {r['min']}-{r['max']}" for c, r in spans.iterrows())
    return Recomputed(
        _growth_verdict(frame),
        KAZSTAT_KEYS + ONS_KEYS,
        CLAIMS_NOTEBOOK,
        f"year-on-year changes of the national share ({span_text}; the UK from ONS table 1B, "
        f"all adults, used in the last 3 months)",
        reading="a rise in every year of both series up to 2020, the latest year the article shows",
    )


@recomputes("000-uk-16-44-minor-changes")
def uk_16_44_changes() -> Recomputed:
    first, last = UK_RECENT_YEARS
    shares = [uk_16_44_share(y) for y in range(first, last + 1)]
    return Recomputed(
        max(shares) - min(shares),
        ONS_KEYS,
        CLAIMS_NOTEBOOK,
        f"16-44 share (bands 16-24, 25-34, 35-44 weighted by size) ranges from {min(shares):.1f} to "
        f"{max(shares):.1f} % over {first}-{last}",
        reading=f"'minor changes in recent years' read as a range of at most 2 points over {first}-{last}",
        read_as=1.0,
        tolerance=1.0,
    )


@recomputes("000-uk-75plus-doubled")
def uk_75_doubled() -> list[Recomputed]:
    old, new = uk_adults("75+", ons.RECENT, 2013), uk_adults("75+", ons.RECENT, 2020)
    note = f"ONS table 1B, age 75+: {old:.1f} % in 2013, {new:.1f} % in 2020"
    return [
        Recomputed(
            new / old,
            ONS_KEYS,
            CLAIMS_NOTEBOOK,
            note,
            reading="'almost doubled' read as a ratio from 1.75 to 2",
            read_as=1.875,
            tolerance=0.125,
        ),
        Recomputed(
            new / old,
            ONS_KEYS,
            CLAIMS_NOTEBOOK,
            note,
            reading="'almost doubled' read as a ratio from 1.5 to 2",
            read_as=1.75,
            tolerance=0.25,
            role=OTHER,
        ),
    ]


def kz_ranking(year: int = 2020) -> pd.DataFrame:
    """Areas of Table 1 a) ranked by their recomputed share in ``year`` (whole country left out).

    Columns: rank, area_printed, share. Ties share the better rank (method 'min').
    """
    table = kazstat.table1a()
    rows = table[(table["year"] == year) & (table["area_code"] != kazstat.NATIONAL)].dropna(subset=["recomputed"])
    ranked = rows.assign(rank=rows["recomputed"].rank(ascending=False, method="min").astype(int))
    return (
        ranked.rename(columns={"recomputed": "share"})[["rank", "area_printed", "share"]]
        .sort_values(["rank", "area_printed"])
        .reset_index(drop=True)
    )


def kz_leaders(year: int = 2020, n: int = 4) -> str:
    """The ``n`` areas with the highest share in ``year``, alphabetical, joined by '; '."""
    ranking = kz_ranking(year)
    return "; ".join(sorted(ranking[ranking["rank"] <= n]["area_printed"]))


def kz_leaders_by_kind(year: int = 2020, n: int = 2) -> str:
    """The ``n`` cities and the ``n`` regions with the highest share in ``year``, each alphabetical:
    'city, city; region, region' (printed names without 'city'/'region')."""
    ranking = kz_ranking(year)
    parts = []
    for kind in ("city", "region"):
        part = ranking[ranking["area_printed"].str.endswith(f" {kind}")].sort_values("share", ascending=False)
        parts.append(", ".join(sorted(a.removesuffix(f" {kind}") for a in part["area_printed"].head(n))))
    return "; ".join(parts)


@recomputes("000-kz-leaders-2020")
def kz_leaders_2020() -> list[Recomputed]:
    ranking = kz_ranking(2020).set_index("area_printed")
    shares = "; ".join(
        f"{a} {ranking.loc[a, 'share']:.1f}"
        for a in ("Nur-Sultan city", "Almaty city", "Karagandy region", "Pavlodar region", "Turkestan region")
    )
    return [
        Recomputed(
            kz_leaders_by_kind(2020),
            TABLE1A_KEYS,
            CLAIMS_NOTEBOOK,
            f"the text names two cities and two regions; 2020 shares: {shares}",
            reading="the two leading cities and the two leading regions (as the sentence is built)",
            read_as=LEADERS_AS_PRINTED,
        ),
        Recomputed(
            kz_leaders(2020),
            TABLE1A_KEYS,
            CLAIMS_NOTEBOOK,
            f"all areas ranked together, Turkestan region ({ranking.loc['Turkestan region', 'share']:.1f}, "
            f"rank {ranking.loc['Turkestan region', 'rank']}) passes Almaty city "
            f"({ranking.loc['Almaty city', 'share']:.1f}, rank {ranking.loc['Almaty city', 'rank']})",
            reading="the four leading areas of any kind",
            read_as="Almaty city; Karagandy region; Nur-Sultan city; Pavlodar region",
            role=OTHER,
        ),
    ]


not_checkable_claims(
    (
        "000-evoting-uk-first-pilots",
        "000-evoting-uk-remote",
        "000-evoting-uk-last-pilots",
        "000-evoting-uk-optical-scan",
        "000-evoting-uk-optical-scan-mayor-2004",
        "000-evoting-uk-optical-scan-european-2004",
        "000-evoting-kz-law",
        "000-evoting-kz-sailau",
    ),
    NO_EVOTING_SOURCE,
    TIMELINE_NOTEBOOK,
)
not_checkable_claims(
    ("000-covid-eparticipation-2020",),
    "the article names no measure of electronic participation and cites no source for the "
    "rise; no data file among our sources measures it year by year",
    CLAIMS_NOTEBOOK,
)
not_checkable_claims(
    ("000-participation-four-categories",),
    "a count in a typology from the cited literature ([3], p. 351), not a statistic; no data file among our "
    "sources records it",
    CLAIMS_NOTEBOOK,
)
not_checkable_claims(
    ("000-evoting-id-voters", "000-evoting-id-hours"),
    "a hypothetical requirement quoted from the literature, not a statistic; no source to recompute it from",
    CLAIMS_NOTEBOOK,
)
not_checkable_claims(
    (
        "000-social-izzard-tweets",
        "000-social-izzard-retweets",
        "000-social-robertsonsteff-tweets",
        "000-social-robertsonsteff-retweets",
        "000-social-robertsonsteff-followers",
        "000-social-izzard-followers",
    ),
    NO_SOCIAL_SOURCE,
    CLAIMS_NOTEBOOK,
)


# ---- Tables --------------------------------------------------------------------------------------


@recomputes_table(
    "article000_table1a_kz_regions",
    sources=TABLE1A_KEYS,
    notebook=TABLE1A_NOTEBOOK,
    tolerance=0.05,
    vintage="national SDG platform, October 2024",
    note="printed to one decimal; tolerance is half of the last printed digit",
)
def table1a():
    return kazstat.table1a()


def table1b() -> pd.DataFrame:
    """Article 000's Table 1 b) recomputed from ONS table 5B, with the SDG 17.8.1 CSV beside it.

    The printed area names are the ONS region names; "The whole country" is the UK row.
    Columns: row, area_printed, area_code, year, recomputed (table 5B), sdg (SDG 17.8.1 CSV).
    """
    printed = published.table("article000_table1b_uk_regions")
    regions = ons.regional_share()
    sdg = ons.sdg_internet_share().rename(columns={"share": "sdg"})
    rows = printed[["row", "area_printed", "year"]].copy()
    rows["area"] = rows["area_printed"].where(rows["area_printed"] != UK_WHOLE_COUNTRY, ons.UK)
    rows = rows.merge(regions.rename(columns={"share": "recomputed"}), on=["area", "year"], how="left", validate="1:1")
    rows = rows.merge(sdg, on=["area", "year"], how="left", validate="1:1")
    return (
        rows[["row", "area_printed", "area_code", "year", "recomputed", "sdg"]]
        .sort_values(["row", "year"])
        .reset_index(drop=True)
    )


@recomputes_table(
    "article000_table1b_uk_regions",
    sources=ONS_KEYS,
    notebook=TABLE1B_NOTEBOOK,
    tolerance=0.05,
    vintage="ONS Internet users, UK: 2020 (6 April 2021)",
    note="printed to one decimal; tolerance is half of the last printed digit; recomputed from "
    "ONS table 5B (used in the last 3 months). The whole-country 2020 cell is printed 91.2 "
    "where ONS publishes 92.1 (tables 1B and 5B, and the SDG 17.8.1 CSV): likely two digits "
    "transposed; the article's own text gives 92 % (claim 000-uk-share-2020)",
)
def _table1b_ledger():
    return table1b()


@dataclass(frozen=True)
class Beta:
    start: int
    end: int
    data: pd.DataFrame  # area_code, start_share, change
    fit: object  # statsmodels OLS results

    @property
    def n(self) -> int:
        return int(self.fit.nobs)

    def coefficients(self) -> pd.DataFrame:
        """Intercept and slope with standard errors and 95 % confidence intervals."""
        ci = self.fit.conf_int(alpha=0.05)
        return rounded(
            pd.DataFrame(
                {
                    "estimate": self.fit.params,
                    "std_error": self.fit.bse,
                    "ci_low": ci[0],
                    "ci_high": ci[1],
                    "p_value": self.fit.pvalues,
                }
            ).rename_axis("term")
        )

    def band(self, points: int = 50) -> pd.DataFrame:
        """Fitted line and 95 % confidence band for the mean change over the observed range."""
        from statsmodels.tools.tools import add_constant

        grid = np.linspace(self.data["start_share"].min(), self.data["start_share"].max(), points)
        pred = self.fit.get_prediction(add_constant(grid, has_constant="add")).summary_frame(alpha=0.05)
        return rounded(
            pd.DataFrame(
                {
                    "start_share": grid,
                    "fitted": pred["mean"].to_numpy(),
                    "ci_low": pred["mean_ci_lower"].to_numpy(),
                    "ci_high": pred["mean_ci_upper"].to_numpy(),
                }
            )
        )


def beta_convergence(start: int, end: int) -> Beta:
    """OLS across Kazakhstan's areas of the change start->end (points) on the start level (%).

    Only areas reported in both years enter (codes are stable within each window used here).
    """
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    wide = kz_areas_wide()[[start, end]].dropna()
    data = (
        pd.DataFrame(
            {
                "area_code": wide.index,
                "start_share": wide[start].to_numpy(),
                "change": (wide[end] - wide[start]).to_numpy(),
            }
        )
        .sort_values("area_code")
        .reset_index(drop=True)
    )
    data = rounded(data)
    fit = OLS(data["change"], add_constant(data["start_share"])).fit()  # on the shares as published (one decimal)
    return Beta(start, end, data, fit)


def sigma_convergence() -> pd.DataFrame:
    """Dispersion of the areas' shares by year, each country: n, mean, standard deviation, CV (%).

    Areas are those each file reports in that year (Kazakhstan's set changes in 2018 and 2022).
    """
    frame = long_run()
    areas = frame[frame["level"] == "area"]
    out = (
        areas.groupby(["country", "year"])["share"]
        .agg(n="count", mean="mean", sd=lambda s: float(np.std(s, ddof=1)))
        .reset_index()
    )
    out["cv"] = 100 * out["sd"] / out["mean"]
    return rounded(out.sort_values(["country", "year"]).reset_index(drop=True))


# ---- Figures data --------------------------------------------------------------------------------


def long_run() -> pd.DataFrame:
    """Both countries' national and regional shares: Kazakhstan 2011-2023, UK 2013-2020 (SDG files).

    Columns: country, level ("national" or "area"), area, year, share.
    """
    kz = kazstat.internet_share()
    kz = pd.DataFrame(
        {
            "country": "Kazakhstan",
            "level": np.where(kz["area_code"] == kazstat.NATIONAL, "national", "area"),
            "area": kz["area"],
            "year": kz["year"],
            "share": kz["share"],
        }
    )
    uk = ons.sdg_internet_share()
    uk = uk[uk["year"] >= 2013]
    uk = pd.DataFrame(
        {
            "country": "United Kingdom",
            "level": np.where(uk["area"] == ons.UK, "national", "area"),
            "area": uk["area"].replace({ons.UK: "United Kingdom (whole country)"}),
            "year": uk["year"],
            "share": uk["share"],
        }
    )
    return (
        pd.concat([kz, uk], ignore_index=True).sort_values(["country", "level", "area", "year"]).reset_index(drop=True)
    )
