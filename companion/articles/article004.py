"""Article 004 (electronic public involvement, Kazakhstan): the computations behind its claims.

Chapter: ``chapters/electronic-involvement/``.

Every claim of the article is registered with the ledger here; the chapter's notebooks call the same
functions. Vintages are never mixed: World Bank 2024 shares (``worldbank.internet_share``) are paired
with one population vintage at a time, and the 2021 OWID vintage is kept as a separate column.
The diffusion model (fractional logit) lives here too, as plain functions.

Sources: the Bureau of National Statistics' SDG 17.8.1 file (``kazstat_sdg_17_8_1``,
:mod:`companion.sources.kazstat`); the World Bank's Internet shares (ITU's estimates) and populations
(``worldbank_internet_share``, ``worldbank_population_<vintage>``, ``worldbank_population_share_0014``,
:mod:`companion.sources.worldbank`); Our World in Data's 2021 shares and counts (``owid_internet_share_2021``,
``owid_internet_users_2021``, :mod:`companion.sources.owid`); ITU's Key ICT indicators, 2017 and 2019 editions
(``itu_key_ict_2017``, ``itu_key_ict_2019``, :mod:`companion.sources.itu`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from companion import ledger
from companion.core import precision
from companion.core.precision import rounded
from companion.ledger import LIKELY, OTHER, Recomputed, not_checkable_claims, recomputes
from companion.sources import itu, kazstat, owid, worldbank

# ---- Constants -----------------------------------------------------------------------------------

CHAPTER = "chapters/electronic-involvement"
FIGURE1_NOTEBOOK = f"{CHAPTER}/01_figure1_kz_share.ipynb"
REGIONS_NOTEBOOK = f"{CHAPTER}/02_world_regions_2017.ipynb"
EARLY_NOTEBOOK = f"{CHAPTER}/03_early_users.ipynb"
LEAK_NOTEBOOK = f"{CHAPTER}/04_leak_and_facebook.ipynb"
MODEL_NOTEBOOK = f"{CHAPTER}/05_diffusion_model.ipynb"

KAZSTAT_KEYS = ("kazstat_sdg_17_8_1",)
WB_SHARE_KEYS = ("worldbank_internet_share",)
OWID_USERS_KEYS = ("owid_internet_users_2021",)
VINTAGE_KEYS = {"wb2024": "worldbank_internet_share", "owid2021": "owid_internet_share_2021"}
ITU_KEYS = {"itu_key_ict_2017": LIKELY, "itu_key_ict_2019": OTHER}

KZ, UK, WORLD = "KAZ", "GBR", "WLD"

# The article's latest data year is 2018 and it reports an event of the second half of 2019, so it
# was written in late 2019 or 2020: it could have seen the national series up to 2018 (2019 at most).
LAST_YEAR_SEEN = 2018

# Figure 1: share of Internet users in Kazakhstan (national SDG 17.8.1 beside ITU / World Bank)
NATIONAL_SERIES = "Bureau of National Statistics (SDG 17.8.1)"
ITU_SERIES = "ITU via World Bank (IT.NET.USER.ZS, 2024)"
FIG1_CAUSES = (
    "the national value for 2018 is 81.3 and ITU's 78.9; 83.4 appears in neither series. "
    "Likely causes: another age group (the national survey's age band is not stated; ITU "
    "counts the whole population), another definition (the SDG series counts use in the last "
    "three months) or a preliminary figure revised before the platform's 2021 release (values "
    "2011-2020 are unchanged since 2021, earlier releases are not in our files)"
)

# World, Europe and Africa in 2017, in two vintages
REGION_CLAIMS = {
    # claim: (published value, tolerance, the aggregate registered in the ledger, candidate aggregates)
    "world": (48.0, 0.5, "World", ("World",)),
    "europe": (
        80.0,
        2.5,
        "Europe & Central Asia",
        (
            "Europe & Central Asia",
            "Europe & Central Asia (excluding high income)",
            "European Union",
            "Euro area",
            "Central Europe and the Baltics",
        ),
    ),
    "africa": (
        22.0,
        0.5,
        "Sub-Saharan Africa",
        (
            "Sub-Saharan Africa",
            "Sub-Saharan Africa (excluding high income)",
            "Africa Eastern and Southern",
            "Africa Western and Central",
            "Middle East & North Africa",
        ),
    ),
}
VINTAGES = {"wb2024": worldbank.INTERNET_VINTAGE, "owid2021": owid.VINTAGE}
# ITU's own aggregates: the ITU/BDT regions ("Europe" without the CIS, "Africa" without North Africa).
ITU_REGIONS = {"world": "World", "europe": "Europe", "africa": "Africa"}

# Early users: 41.1 thousand in 1997, five times more in 2001, the first million in 2005
POP_VINTAGE_IDS = {"pop2023": "2023-03-30", "pop2026": "2026"}
# Both population vintages (and the World Bank's 2024 shares) were published after the article: they
# are shown beside and never decide (the vintage rule); OWID's 2021 vintage decides.
POP_ROLES = {"pop2023": OTHER, "pop2026": OTHER}
EARLY_CAUSE = (
    "the article's counts probably come from another source (e.g. national counts of users or "
    "subscribers, or an earlier ITU estimate) that is not among our files"
)
OWID_NOTE = "OWID's derived count of users (ITU share x UN population), not a count of users"
NO_COUNTED_SERIES = (
    "no counted series of Internet users (ITU's or the Committee on Statistics' own counts) is among our "
    "files: the mirror holds shares, populations and OWID's derived counts only"
)

# The 2019 leak; the state programmes
DIGITAL_KZ_LAW = (
    "the programme was approved by government resolution No. 827 of 12 December 2017, which article "
    "002 cites ([15]), and ran from 2018 to 2022; legal texts are not among our data sources"
)

# Diffusion model: fractional logit of the share on time
CENTRE = 2010  # time is centred here so that intercept and slope are nearly uncorrelated
MODEL_SERIES = {
    "Kazakhstan (ITU)": "itu_kz",
    "Kazakhstan (national)": "national_kz",
    "United Kingdom (ITU)": "itu_uk",
    "World (ITU)": "itu_world",
}


# ---- Loaders used --------------------------------------------------------------------------------


def aggregate_shares(first: int = 2015, last: int = 2019) -> pd.DataFrame:
    """Every candidate aggregate in both vintages. Columns: claim, aggregate, vintage, year, share."""
    wb = worldbank.internet_share().rename(columns={"country": "aggregate"})
    ow = owid.internet_share().rename(columns={"entity": "aggregate"})
    rows = []
    for claim, (_, _, _, candidates) in REGION_CLAIMS.items():
        for frame in (wb, ow):
            part = frame[frame["aggregate"].isin(candidates) & frame["year"].between(first, last)]
            rows.append(part[["aggregate", "vintage", "year", "share"]].assign(claim=claim))
    out = pd.concat(rows, ignore_index=True)[["claim", "aggregate", "vintage", "year", "share"]]
    return out.sort_values(["claim", "aggregate", "vintage", "year"]).reset_index(drop=True)


def itu_regions(year: int = 2017) -> pd.DataFrame:
    """ITU's own world, Europe and Africa shares for ``year`` in both ITU vintages.

    Columns: claim, entity, key, vintage, estimate, share."""
    rows = []
    for key in ITU_KEYS:
        frame = itu.internet_share(key)
        for claim, entity in ITU_REGIONS.items():
            hit = frame[(frame["entity"] == entity) & (frame["year"] == year)].iloc[0]
            rows.append(
                {
                    "claim": claim,
                    "entity": entity,
                    "key": key,
                    "vintage": hit["vintage"],
                    "estimate": bool(hit["estimate"]),
                    "share": float(hit["share"]),
                }
            )
    return pd.DataFrame(rows)


def model_data(first: int = 1995, last: int = 2023) -> pd.DataFrame:
    """The shares the model is fitted to, as fractions in [0, 1]. Columns: series, year, share."""
    wb = worldbank.internet_share()
    parts = []
    for name, country in (("Kazakhstan (ITU)", KZ), ("United Kingdom (ITU)", UK), ("World (ITU)", WORLD)):
        part = wb[wb["country_code"] == country][["year", "share"]].assign(series=name)
        parts.append(part)
    national = kazstat.internet_share().query("area_code == @kazstat.NATIONAL")[["year", "share"]]
    parts.append(national.assign(series="Kazakhstan (national)"))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["year"].between(first, last)].copy()
    frame["share"] = frame["share"] / 100
    if not frame["share"].between(0, 1).all():
        raise ValueError("shares for the fractional logit must lie in [0, 1]")
    return frame[["series", "year", "share"]].sort_values(["series", "year"]).reset_index(drop=True)


def _kz_share_1997() -> float:
    shares = worldbank.internet_share()
    return shares.query("country_code == @KZ and year == 1997")["share"].item()


# ---- Claims --------------------------------------------------------------------------------------


def claim_rows(prefix: str = "004-") -> pd.DataFrame:
    """This article's ledger rows whose id starts with ``prefix``, computed only for those claims."""
    return ledger.text_claims(prefix=prefix).sort_values("claim_id").reset_index(drop=True)


def _share(series: str, year: int) -> float:
    frame = figure1_series()
    return float(frame.query("series == @series and year == @year")["share"].item())


@recomputes("004-fig1-kz-2018")
def fig1_2018() -> list[Recomputed]:
    return [
        Recomputed(
            _share(NATIONAL_SERIES, 2018),
            KAZSTAT_KEYS,
            FIGURE1_NOTEBOOK,
            FIG1_CAUSES,
            vintage="national SDG platform, October 2024 (values unchanged since 2021)",
            reading="the Committee on Statistics' share, as the article names it",
        ),
        Recomputed(
            _share(ITU_SERIES, 2018),
            WB_SHARE_KEYS,
            FIGURE1_NOTEBOOK,
            "ITU's estimate for the whole population",
            vintage=worldbank.INTERNET_VINTAGE,
            reading="ITU's share of individuals using the Internet",
            role=OTHER,
        ),
    ]


def _region_claim(claim: str) -> list[Recomputed]:
    """ITU's own estimate of 2017 (the vintage of ICT Facts and Figures 2017) decides; ITU's 2019 revision
    and the World Bank / OWID aggregates of other vintages and other regions are shown beside."""
    _, _, main, _ = REGION_CLAIMS[claim]
    entity = ITU_REGIONS[claim]
    region_note = {
        "world": "the world",
        "europe": "ITU region Europe (without the CIS countries)",
        "africa": "ITU region Africa (without North Africa, which ITU counts in the Arab States)",
    }[claim]
    out = []
    for row in itu_regions().query("claim == @claim").itertuples():
        out.append(
            Recomputed(
                row.share,
                (row.key,),
                REGIONS_NOTEBOOK,
                f"{region_note}, 2017{' (an estimate in this vintage)' if row.estimate else ''}",
                vintage=row.vintage,
                reading=f"ITU's {entity}",
                role=ITU_KEYS[row.key],
            )
        )
    matches = region_matches()
    for vintage_id, vintage in VINTAGES.items():
        part = matches.query("claim == @claim and vintage == @vintage")
        value = float(part.query("aggregate == @main")["share"].item())
        out.append(
            Recomputed(
                value,
                (VINTAGE_KEYS[vintage_id],),
                REGIONS_NOTEBOOK,
                "a World Bank aggregate of another vintage and another grouping of countries",
                vintage=vintage,
                reading=main,
                role=OTHER,
            )
        )
    return out


@recomputes("004-world-2017")
def world_2017() -> list[Recomputed]:
    return _region_claim("world")


@recomputes("004-europe-2017")
def europe_2017() -> list[Recomputed]:
    return _region_claim("europe")


@recomputes("004-africa-2017")
def africa_2017() -> list[Recomputed]:
    return _region_claim("africa")


def _users(pop_id: str) -> pd.Series:
    estimate = f"WB share 2024 x WB population {POP_VINTAGE_IDS[pop_id]}"
    users = early_users(1990, 2023)
    return users[users["estimate"] == estimate].set_index("year")["users"]


def _owid_users() -> pd.Series:
    return early_users(1990, 2023).query("estimate == 'OWID 2021 count'").set_index("year")["users"]


def first_million_year(users: pd.Series) -> int:
    reached = users[users >= 1_000_000]
    return int(reached.index.min())


def _early_claim(value, note, reading: str, owid_note: str) -> list[Recomputed]:
    """A claim on the early users: ``value(users)`` of each series of users by year (WB share 2024 x one
    population vintage, with ``note(users)``; then OWID 2021's own counts, with ``owid_note``)."""
    out = []
    for pop_id, vintage in POP_VINTAGE_IDS.items():
        users = _users(pop_id)
        out.append(
            Recomputed(
                value(users),
                WB_SHARE_KEYS + (f"worldbank_population_{pop_id[3:]}",),
                EARLY_NOTEBOOK,
                f"{note(users)}; {EARLY_CAUSE}",
                vintage=f"WB share 2024 x WB population {vintage}",
                reading=reading,
                role=POP_ROLES[pop_id],
            )
        )
    out.append(
        Recomputed(
            value(_owid_users()),
            OWID_USERS_KEYS,
            EARLY_NOTEBOOK,
            f"{owid_note}; {NO_COUNTED_SERIES}",
            vintage=owid.VINTAGE,
            reading=OWID_NOTE,
            role=LIKELY,
        )
    )
    return out


@recomputes("004-users-1997")
def users_1997() -> list[Recomputed]:
    return _early_claim(
        lambda users: float(users[1997] / 1000),
        lambda users: (
            f"thousand users; ITU share 1997 {_kz_share_1997():.4f} % "
            f"of the population; the article's figure is {41.1e3 / users[1997]:.1f} times ours"
        ),
        "users = share x population",
        "thousand users",
    )


@recomputes("004-users-2001-ratio")
def growth_2001() -> list[Recomputed]:
    return _early_claim(
        lambda users: float(users[2001] / users[1997]),
        lambda users: (
            f"users 2001 / users 1997; 2001: {users[2001] / 1000:.1f} thousand; five times 41.1 thousand "
            f"would be 205.5 thousand"
        ),
        "users 2001 / users 1997",
        "users 2001 / users 1997",
    )


@recomputes("004-first-million-year")
def first_million() -> list[Recomputed]:
    def note(users):
        year = first_million_year(users)
        return (
            f"users in 2005: {users[2005] / 1000:.0f} thousand; first year with a million or more: "
            f"{year} ({users[year] / 1e6:.2f} million; ITU's share jumps from 4.0 % in 2007 to 11 % "
            f"in 2008)"
        )

    return _early_claim(
        first_million_year, note, "first year with users >= 1 million", "first year with a million or more"
    )


@recomputes("004-leak-adults-2019")
def leak_adults() -> list[Recomputed]:
    pop = population_2019()
    out = [
        ledger.not_checkable(
            "the size of the leak comes from the article's source [8], not among our files, and no "
            "population by age published by 2021 is either (the World Bank's age shares are of 2022-05-25, "
            "its totals of 2023 and 2026); those later vintages, shown beside, give "
            f"{pop['population_15_plus'].min():.1f}-{pop['population_15_plus'].max():.1f} million aged 15+ "
            "in 2019, while 18 million is close to the total population",
            LEAK_NOTEBOOK,
            vintage="a population by age published by 2021",
            reading="adults read as aged 15 and over",
        )
    ]
    for i, row in enumerate(pop.itertuples()):
        out.append(
            Recomputed(
                float(row.population_15_plus),
                (
                    "worldbank_population_2023" if i == 0 else "worldbank_population_2026",
                    "worldbank_population_share_0014",
                ),
                LEAK_NOTEBOOK,
                f"million aged 15+ in 2019; 18 million is close to the TOTAL population "
                f"({row.population_total:.2f} million), not to the adults. Our files give no 18+ count "
                f"(only 0-14, 15-64, 65+); the 18+ population is smaller than the 15+ one, so the "
                f"verdict holds for it too",
                vintage=f"WB population {row.vintage}",
                reading="adults read as aged 15 and over",
                role=OTHER,
            )
        )
    return out


not_checkable_claims(
    ("004-facebook-peers",),
    "no file in the mirror gives Facebook penetration by country, so the countries at Kazakhstan's level "
    "cannot be listed; the article's source [4] is not identified",
    LEAK_NOTEBOOK,
)
not_checkable_claims(("004-digital-kz-adopted",), DIGITAL_KZ_LAW, FIGURE1_NOTEBOOK)
not_checkable_claims(
    ("004-info-kz-2020-start",),
    "the start of a state programme; the article's source [1] is not identified and no data "
    "file among our sources records programme dates",
    FIGURE1_NOTEBOOK,
)
not_checkable_claims(
    ("004-facebook-rank",),
    "no file in the mirror gives Facebook users or penetration by country, and the article does not "
    "say which year, source ([4] is not identified) or definition of penetration its rank uses",
    LEAK_NOTEBOOK,
)


# ---- Tables --------------------------------------------------------------------------------------


def region_matches(year: int = 2017) -> pd.DataFrame:
    """Each claim against each candidate aggregate and vintage in ``year``, with its verdict.

    Columns: claim, published, tolerance, aggregate, vintage, share, difference, matches.
    """
    frame = aggregate_shares(year, year)
    published = {c: v[0] for c, v in REGION_CLAIMS.items()}
    tolerance = {c: v[1] for c, v in REGION_CLAIMS.items()}
    frame["published"] = frame["claim"].map(published)
    frame["tolerance"] = frame["claim"].map(tolerance)
    frame["difference"] = frame["share"] - frame["published"]
    frame["matches"] = frame["difference"].map(precision.round_sig).abs() <= frame["tolerance"]
    cols = ["claim", "published", "tolerance", "aggregate", "vintage", "share", "difference", "matches"]
    return frame[cols].sort_values(["claim", "vintage", "aggregate"]).reset_index(drop=True)


def early_users(first: int = 1995, last: int = 2010) -> pd.DataFrame:
    """Kazakhstan's Internet users = WB 2024 share x population, one row per (population vintage, year),
    plus OWID 2021's own counts. Columns: estimate, year, share, population, users.
    """
    share = worldbank.internet_share().query("country_code == @KZ")[["year", "share"]]
    parts = []
    for vintage in POP_VINTAGE_IDS.values():
        pop = worldbank.population(vintage).query("country_code == @KZ")[["year", "population"]]
        part = share.merge(pop, on="year", how="inner", validate="1:1")
        part["users"] = part["share"] / 100 * part["population"]
        part["estimate"] = f"WB share 2024 x WB population {vintage}"
        parts.append(part)
    counts = owid.internet_users().query("code == @KZ")[["year", "users"]]
    parts.append(counts.assign(estimate="OWID 2021 count", share=np.nan, population=np.nan))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["year"].between(first, last)]
    return rounded(
        frame[["estimate", "year", "share", "population", "users"]]
        .sort_values(["estimate", "year"])
        .reset_index(drop=True)
    )


def population_2019() -> pd.DataFrame:
    """Kazakhstan 2019: total and 15+ population (millions) for each total-population vintage.

    Columns: vintage, population_total, share_0_14, population_15_plus.
    """
    rows = []
    for vintage in POP_VINTAGE_IDS.values():
        row = worldbank.population_15_plus(vintage).query("country_code == @KZ and year == 2019").iloc[0]
        rows.append(
            {
                "vintage": row["vintage"],
                "population_total": row["population"] / 1e6,
                "share_0_14": row["share_0_14"],
                "population_15_plus": row["population_15_plus"] / 1e6,
            }
        )
    return rounded(pd.DataFrame(rows).sort_values("vintage").reset_index(drop=True))


def fit_logistic(data: pd.DataFrame, cov_type: str = "HC0"):
    """Fractional logit: GLM, Binomial family, logit link, of ``share`` on (year - CENTRE).

    Quasi-maximum likelihood (Papke and Wooldridge 1996): the mean is logistic in time; the binomial
    variance is not assumed, so standard errors are the robust sandwich (``cov_type`` HC0).
    """
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.tools import add_constant

    exog = add_constant(data["year"].to_numpy(dtype=float) - CENTRE)
    model = GLM(data["share"].to_numpy(dtype=float), exog, family=families.Binomial(link=families.links.Logit()))
    return model.fit(cov_type=cov_type)


def fits(cov_type: str = "HC0") -> dict:
    data = model_data()
    return {name: fit_logistic(data[data["series"] == name], cov_type) for name in MODEL_SERIES}


def year_at_share(result, share: float) -> tuple[float, float]:
    """Year at which the fitted curve reaches ``share`` and its delta-method standard error.

    t = CENTRE + (logit(p) - a) / b; gradient (-1/b, -(logit(p) - a)/b^2) with the robust covariance.
    """
    a, b = (float(v) for v in result.params)
    target = math.log(share / (1 - share))
    year = CENTRE + (target - a) / b
    grad = np.array([-1 / b, -(target - a) / b**2])
    se = float(np.sqrt(grad @ np.asarray(result.cov_params()) @ grad))
    return year, se


def diffusion_table(cov_type: str = "HC0") -> pd.DataFrame:
    """Growth rate (slope of the logit per year) and mid-point year (50 %) with 95 % intervals.

    The slope's interval comes from the robust covariance directly; the mid-point's from the delta
    method. Columns: series, first_year, last_year, n, growth_rate, growth_low, growth_high,
    midpoint, midpoint_se, midpoint_low, midpoint_high.
    """
    from scipy import stats

    data = model_data()
    z = stats.norm.ppf(0.975)
    rows = []
    for name, result in fits(cov_type).items():
        years = data.loc[data["series"] == name, "year"]
        low, high = (float(v) for v in np.asarray(result.conf_int())[1])
        mid, se = year_at_share(result, 0.5)
        rows.append(
            {
                "series": name,
                "first_year": int(years.min()),
                "last_year": int(years.max()),
                "n": int(result.nobs),
                "growth_rate": float(result.params[1]),
                "growth_low": low,
                "growth_high": high,
                "midpoint": mid,
                "midpoint_se": se,
                "midpoint_low": mid - z * se,
                "midpoint_high": mid + z * se,
            }
        )
    return rounded(pd.DataFrame(rows).sort_values("series").reset_index(drop=True))


def lag_table(
    shares=(0.25, 0.5, 0.75, 0.9),
    leader: str = "United Kingdom (ITU)",
    followers=("Kazakhstan (ITU)", "Kazakhstan (national)"),
    cov_type: str = "HC0",
) -> pd.DataFrame:
    """Years by which each follower reaches a share after the leader, with delta-method 95 % intervals
    (the two fits are independent, so their variances add). Columns: follower, share, year_leader,
    year_follower, lag, lag_low, lag_high.
    """
    from scipy import stats

    results = fits(cov_type)
    z = stats.norm.ppf(0.975)
    rows = []
    for follower in followers:
        for share in shares:
            t_lead, se_lead = year_at_share(results[leader], share)
            t_follow, se_follow = year_at_share(results[follower], share)
            lag = t_follow - t_lead
            se = math.hypot(se_lead, se_follow)
            rows.append(
                {
                    "follower": follower,
                    "share": share,
                    "year_leader": t_lead,
                    "year_follower": t_follow,
                    "lag": lag,
                    "lag_low": lag - z * se,
                    "lag_high": lag + z * se,
                }
            )
    return rounded(pd.DataFrame(rows).sort_values(["follower", "share"]).reset_index(drop=True))


# ---- Figures data --------------------------------------------------------------------------------


def figure1_series(first: int = 2011, last: int = 2023) -> pd.DataFrame:
    """Kazakhstan's share of Internet users, both series, one row per (series, year).

    Columns: series, year, share, could_have_seen (year <= LAST_YEAR_SEEN).
    """
    national = kazstat.internet_share().query("area_code == @kazstat.NATIONAL")[["year", "share"]]
    national = national.assign(series=NATIONAL_SERIES)
    itu = worldbank.internet_share().query("country_code == @KZ")[["year", "share"]].assign(series=ITU_SERIES)
    frame = pd.concat([national, itu], ignore_index=True)
    frame = frame[frame["year"].between(first, last)].copy()
    frame["could_have_seen"] = frame["year"] <= LAST_YEAR_SEEN
    return frame[["series", "year", "share", "could_have_seen"]].sort_values(["series", "year"]).reset_index(drop=True)


def fitted_curves(first: int = 1995, last: int = 2030, cov_type: str = "HC0") -> pd.DataFrame:
    """Fitted share with a pointwise 95 % band (Wald interval on the logit scale, then transformed).

    Columns: series, year, fitted, lower, upper (fractions).
    """
    from scipy import stats
    from statsmodels.tools.tools import add_constant

    z = stats.norm.ppf(0.975)
    years = np.arange(first, last + 1)
    exog = add_constant(years.astype(float) - CENTRE)
    rows = []
    for name, result in fits(cov_type).items():
        eta = exog @ np.asarray(result.params)
        se = np.sqrt(np.einsum("ij,jk,ik->i", exog, np.asarray(result.cov_params()), exog))
        expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
        rows.append(
            pd.DataFrame(
                {
                    "series": name,
                    "year": years,
                    "fitted": expit(eta),
                    "lower": expit(eta - z * se),
                    "upper": expit(eta + z * se),
                }
            )
        )
    return rounded(pd.concat(rows, ignore_index=True).sort_values(["series", "year"]).reset_index(drop=True))
