"""Article 002 (Aitymbetov & Nyshanbaev, digitalization and democratic institutions): the computations
behind its claims (registered with the ledger) and the analyses of its chapter.

Chapter: ``chapters/institutions-egov/``.

Sources: UN E-Government Survey files (``egov_<year>``, :mod:`companion.sources.egov`), Freedom House
workbooks (``freedomhouse_ratings_1973_2024``, ``freedomhouse_scores_2003_2024``,
:mod:`companion.sources.freedomhouse`),
Transparency International's Corruption Perceptions Index 2020 (``ti_cpi_2020``, :mod:`companion.sources.ti`) and our
transcriptions under ``data/published/`` (Hilbert & López 2011; the e-government stages as the
article states them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from companion import ledger
from companion.core.precision import rounded
from companion.ledger import OTHER, Recomputed, not_checkable, not_checkable_claims, recomputes
from companion.sources import egov, freedomhouse, published, ti

# ---- Constants -----------------------------------------------------------------------------------

CHAPTER = "chapters/institutions-egov"
RANKS_NOTEBOOK = f"{CHAPTER}/01_egdi_ranks.ipynb"
TIMELINE_NOTEBOOK = f"{CHAPTER}/02_egdi_timeline.ipynb"
FREEDOM_NOTEBOOK = f"{CHAPTER}/03_freedom_house_kz.ipynb"
OLS_NOTEBOOK = f"{CHAPTER}/04_egdi_vs_freedom.ipynb"
DIGITAL_NOTEBOOK = f"{CHAPTER}/05_digital_share.ipynb"
MODEL_NOTEBOOK = f"{CHAPTER}/06_model_figure1.ipynb"

EGOV_2005_KEYS = ("egov_2005",)
EGOV_2020_KEYS = ("egov_2020",)
FH_KEYS = ("freedomhouse_ratings_1973_2024",)
FH_SCORE_KEYS = ("freedomhouse_scores_2003_2024",)

KZ_FH = "Kazakhstan"
UK_FH = "United Kingdom"

ASIAN_READINGS = {
    "UN M49 Asia (with Cyprus)": ledger.CITED,
    "UN M49 Asia without Cyprus": ledger.CITED,
    "Asia and Oceania (with Cyprus)": OTHER,
    "Asia and Oceania without Cyprus": OTHER,
}
CLOSED = "'closed, authoritarian' read as Freedom House's lowest status, Not Free (FH uses no such words)"
NO_STAGE_SOURCE = (
    "dates of policy stages stated by the article (from a 2006 presidential address and government "
    "documents); no public data file among our sources records them"
)
DIGITAL_KZ_LAW = (
    "the programme was approved by government resolution No. 827 of 12 December 2017 (adilet.zan.kz, "
    "P1700000827), which article 002 itself cites as [15]; it ran from 2018 to 2022. Legal texts are not "
    "among our data sources"
)
NO_EVENT_SOURCE = (
    "a date of an event or a period named in passing; the article cites no source for it that we "
    "hold, and no data file among our sources records it"
)


# ---- Loaders used --------------------------------------------------------------------------------


def kz_rank(year: int) -> int:
    frame = egov.edition(year)
    return int(frame.loc[frame["country"] == egov.KAZAKHSTAN, "rank"].item())


def unranked(year: int) -> list[str]:
    frame = egov.edition(year)
    return sorted(frame.loc[frame["rank"].isna(), "country"])


def kz_freedom() -> pd.DataFrame:
    """Kazakhstan in Freedom in the World, editions 2003-2024 (edition N reviews year N-1)."""
    return freedomhouse.country_history(KZ_FH, 2003, 2024)


def kz_status(edition: int) -> str:
    frame = kz_freedom()
    return str(frame.loc[frame["edition"] == edition, "status_name"].item())


def hilbert_lopez() -> pd.DataFrame:
    return published.table("article002_hilbert_lopez_2011")


def stages() -> pd.DataFrame:
    return published.table("article002_egov_stages")


# ---- Claims --------------------------------------------------------------------------------------


def claims_table(claim_ids=None) -> pd.DataFrame:
    """This article's text claims (or the ones named), published beside recomputed with the verdict:
    the ledger's own rows, computed only for the claims asked for."""
    return ledger.text_claims(claim_ids, prefix="002-").sort_values("claim_id").reset_index(drop=True)


@recomputes("002-egdi-rank-kz-2005")
def rank_2005() -> Recomputed:
    return Recomputed(kz_rank(2005), EGOV_2005_KEYS, RANKS_NOTEBOOK)


@recomputes("002-egdi-rank-kz-2020")
@recomputes("002-egdi-rank-kz-2020-line94")  # the same statement printed again: one claim per place
def rank_2020() -> Recomputed:
    return Recomputed(kz_rank(2020), EGOV_2020_KEYS, RANKS_NOTEBOOK)


@recomputes("002-egdi-countries-ranked-2005")
def ranked_2005() -> list[Recomputed]:
    missing = ", ".join(unranked(2005))
    listed = len(egov.edition(2005))
    return [
        Recomputed(
            egov.ranked_count(2005),
            EGOV_2005_KEYS,
            RANKS_NOTEBOOK,
            f"the 2005 file lists {listed} countries (today's UN members) but ranks only those with a "
            f"rank; {missing} carry none (not UN members in 2005), so the edition ranked fewer than 193",
            vintage="UN E-Government Survey 2005",
            reading="countries ranked in 2005",
        ),
        Recomputed(
            listed,
            EGOV_2005_KEYS,
            RANKS_NOTEBOOK,
            "the file's rows, ranked or not",
            vintage="UN E-Government Survey 2005",
            reading="countries listed in the file",
            role=OTHER,
        ),
    ]


@recomputes("002-egdi-countries-ranked-2020")
def ranked_2020() -> Recomputed:
    return Recomputed(egov.ranked_count(2020), EGOV_2020_KEYS, RANKS_NOTEBOOK)


@recomputes("002-egdi-asia-rank-kz-2020")
def asia_rank_2020() -> list[Recomputed]:
    """'7th among Asian countries': Asia with or without Cyprus are readings the words allow; Asia with
    Oceania is not Asia, and is shown beside (it gives the printed 7th when Cyprus is left out)."""
    ranks = regional_ranks_kz(2020).set_index("grouping")
    out = []
    for grouping, role in ASIAN_READINGS.items():
        row = ranks.loc[grouping]
        out.append(
            Recomputed(
                int(row["kz_rank"]),
                EGOV_2020_KEYS,
                RANKS_NOTEBOOK,
                f"{row['countries']} countries; ahead of Kazakhstan: {row['ranked_ahead_of_kz']}",
                vintage="UN E-Government Survey 2020",
                reading=f"'Asian countries' read as {grouping} (data/mappings/egov_un_m49_asia_oceania.csv)",
                role=role,
            )
        )
    return out


@recomputes("002-egdi-central-asia-rank-kz-2020")
def central_asia_rank_2020() -> Recomputed:
    return Recomputed(
        egov.regional_rank_of(egov.KAZAKHSTAN, 2020, "UN M49 Central Asia"),
        EGOV_2020_KEYS,
        RANKS_NOTEBOOK,
        "UN M49 Central Asia: Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan",
    )


def _status(edition: int, also: str = "", note: str = "", **kwargs) -> Recomputed:
    """Kazakhstan's Freedom House status in ``edition`` (which covers the year before), as evidence
    for a 'closed, authoritarian' claim; ``also`` adds to the reading."""
    return Recomputed(
        kz_status(edition),
        FH_KEYS,
        FREEDOM_NOTEBOOK,
        note or f"edition {edition} = year under review {edition - 1}",
        vintage=f"FIW edition {edition} (year {edition - 1})",
        reading=CLOSED + also,
        read_as="Not Free",
        released=edition,  # one past edition, as kept unchanged in the 2024 compilation
        **kwargs,
    )


@recomputes("002-fh-status-kz-2005")
def status_2005() -> list[Recomputed]:
    return [_status(2006, note="year under review 2005 = edition 2006"), _status(2005, "; '2005' read as the edition")]


@recomputes("002-fh-status-kz-ed2021")
def status_ed2021() -> list[Recomputed]:
    return [_status(2021), _status(2022, "; '2021' read as the year under review", role=OTHER)]


def fh_rank_by_total(edition: int, country: str = KZ_FH) -> dict:
    """Where ``country`` would stand if the countries (not territories) of an edition were ranked
    by the 0-100 total, highest first (ties share the best rank). Freedom House publishes no rank."""
    frame = freedomhouse.scores()
    frame = frame[(frame["edition"] == edition) & (frame["kind"] == "c")].dropna(subset=["total"])
    ranks = frame["total"].rank(method="min", ascending=False).astype(int)
    least_free = frame["total"].rank(method="min", ascending=True).astype(int)
    row = frame["country"] == country
    return {
        "edition": edition,
        "year_under_review": edition - 1,
        "countries": int(len(frame)),
        "total": float(frame.loc[row, "total"].item()),
        "rank_most_free_first": int(ranks[row].item()),
        "rank_least_free_first": int(least_free[row].item()),
    }


@recomputes("002-fh-rank-kz-94")
def fh_rank_94() -> list[Recomputed]:
    r = fh_rank_by_total(2021)
    cpi = ti.country().set_index("cpi_year")
    return [
        not_checkable(
            f"Freedom House publishes no rank. A rank by the 0-100 total of the 2021 edition (year 2020) would put "
            f"Kazakhstan (total {r['total']:.0f}) at {r['rank_most_free_first']} of {r['countries']} countries "
            f"counting from the most free, or {r['rank_least_free_first']} counting from the least free; neither is 94",
            FREEDOM_NOTEBOOK,
            sources=FH_SCORE_KEYS,
            vintage="FIW edition 2021 (year 2020)",
            released=2021,
            reading="a rank in Freedom House's 2021 edition, as the sentence attributes it",
        ),
        Recomputed(
            int(cpi.loc[2020, "rank"]),
            (ti.KEY,),
            FREEDOM_NOTEBOOK,
            f"Transparency International's Corruption Perceptions Index 2020: Kazakhstan scores "
            f"{cpi.loc[2020, 'score']:.0f} and ranks {cpi.loc[2020, 'rank']} of {cpi.loc[2020, 'countries']} "
            f"countries, up from {cpi.loc[2019, 'rank']} in 2019 ('rose to'); the article's conclusion mentions "
            f"'the index of corruption'",
            vintage="CPI 2020 (published 28 January 2021)",
            reading="Kazakhstan's rank in the Corruption Perceptions Index 2020",
            role=OTHER,
        ),
    ]


@recomputes("002-digital-share-1980")
def digital_1980() -> Recomputed:
    hl = hilbert_lopez().set_index("year")["digital_share_pct"]
    return not_checkable(
        f"Hilbert & López (2011) start in 1986, when about {hl[1986]:.0f} % of stored information was digital; "
        f"no estimate exists for 1980. The article cites the World Bank's Digital Development Toolkit, not a "
        f"data file",
        DIGITAL_NOTEBOOK,
    )


@recomputes("002-digital-share-2012")
def digital_2012() -> Recomputed:
    hl = hilbert_lopez().set_index("year")["digital_share_pct"]
    return not_checkable(
        f"Hilbert & López (2011) end in 2007 at {hl[2007]:.0f} % of storage digital; no estimate for 2012. "
        f"99 % (99.9 %) is their 2007 share of telecommunication capacity in digital form, a possible source "
        f"of the figure",
        DIGITAL_NOTEBOOK,
    )


not_checkable_claims(
    (
        "002-egov-stage-1",
        "002-egov-stage-2",
        "002-egov-stage-3",
        "002-egov-stage-4",
        "002-egov-idea-2004",
        "002-egov-first-central-asia-2006",
        "002-egov-no-projects-before-2006",
        "002-egov-address-2006",
        "002-egov-infrastructure-programme-2001",
        "002-egov-first-services-2005",
    ),
    NO_STAGE_SOURCE,
    TIMELINE_NOTEBOOK,
)
not_checkable_claims(
    ("002-egov-portal-launch",),
    "the launch date of www.e.gov.kz is in no data file among our sources (a web archive "
    "or an official announcement would be needed)",
    TIMELINE_NOTEBOOK,
)
not_checkable_claims(
    ("002-digital-kz-adopted", "002-digital-kz-adopted-line92", "002-digital-kz-period"),
    DIGITAL_KZ_LAW,
    TIMELINE_NOTEBOOK,
)
not_checkable_claims(
    (
        "002-event-us-election-2016",
        "002-event-brexit-2016",
        "002-event-bots-dispute-2018",
        "002-event-internet-1970s",
        "002-event-microchips-70s-80s",
        "002-event-admin-1950s",
    ),
    NO_EVENT_SOURCE,
    TIMELINE_NOTEBOOK,
)


# ---- Tables --------------------------------------------------------------------------------------


def regional_ranks_kz(year: int = 2020) -> pd.DataFrame:
    """Kazakhstan's regional EGDI rank under each grouping of :data:`egov.GROUPINGS`."""
    rows = []
    for grouping in egov.GROUPINGS:
        ranking = egov.regional_ranking(year, grouping)
        kz = ranking[ranking["country"] == egov.KAZAKHSTAN].iloc[0]
        ahead = ranking.loc[ranking["regional_rank"] < kz["regional_rank"], "country"].tolist()
        rows.append(
            {
                "grouping": grouping,
                "countries": len(ranking),
                "kz_rank": int(kz["regional_rank"]),
                "ranked_ahead_of_kz": ", ".join(ahead),
                "used_for_verdict": grouping in (egov.VERDICT_GROUPING, "UN M49 Central Asia"),
            }
        )
    return pd.DataFrame(rows)


def egdi_with_freedom(year: int, scored_only: bool = False) -> pd.DataFrame:
    """EGDI of survey ``year`` beside the Freedom House total of the edition covering that year
    (edition ``year + 1``), for the countries in both (territories dropped; names mapped through
    ``data/mappings/freedomhouse_egov_country_names.csv``). Countries the edition did not rank are left out:
    the files give them an EGDI of 0, but they were not assessed. ``scored_only`` also leaves out the
    ranked countries whose EGDI is 0 (see :func:`egov.zero_scores`).

    Columns: country, egdi, egdi_rank, fh_edition, fh_year_under_review, fh_total, fh_status.
    """
    e = egov.ranked(year)
    if scored_only:
        e = e[e["egdi"] > 0]
    fh = freedomhouse.scores()
    fh = fh[(fh["edition"] == year + 1) & (fh["kind"] == "c")].dropna(subset=["total"]).copy()
    fh["country"] = fh["country"].replace(freedomhouse.egov_names())
    frame = e[["country", "egdi", "rank"]].merge(
        fh[["country", "edition", "year_under_review", "total", "status"]], on="country", how="inner", validate="1:1"
    )
    frame = frame.rename(
        columns={
            "rank": "egdi_rank",
            "edition": "fh_edition",
            "year_under_review": "fh_year_under_review",
            "total": "fh_total",
            "status": "fh_status",
        }
    )
    return frame.sort_values("country").reset_index(drop=True)


def unmatched(year: int) -> list[str]:
    """Ranked EGDI countries with no Freedom House total in the edition covering ``year``."""
    return sorted(set(egov.ranked(year)["country"]) - set(egdi_with_freedom(year)["country"]))


def fit(year: int, cov_type: str = "HC3", scored_only: bool = False):
    """OLS of EGDI on the FH total (statsmodels), heteroskedasticity-robust (HC3) standard errors;
    ``scored_only``: without the countries whose EGDI is 0."""
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    data = egdi_with_freedom(year, scored_only)
    X = add_constant(data["fh_total"].astype(float))
    return OLS(data["egdi"].astype(float), X).fit(cov_type=cov_type), data


def slopes_by_year(years=egov.EDITIONS, scored_only: bool = False) -> pd.DataFrame:
    """The same regression for every survey year whose covering FH edition has totals (2003-2022);
    ``scored_only``: without the countries whose EGDI is 0.
    Columns: survey_year, fh_edition, n, slope_per_10, se_per_10, ci_low_per_10, ci_high_per_10, r2."""
    rows = []
    for year in years:
        result, data = fit(year, scored_only=scored_only)
        low, high = result.conf_int().loc["fh_total"]
        rows.append(
            {
                "survey_year": year,
                "fh_edition": year + 1,
                "n": int(result.nobs),
                "slope_per_10": 10 * float(result.params["fh_total"]),
                "se_per_10": 10 * float(result.bse["fh_total"]),
                "ci_low_per_10": 10 * float(low),
                "ci_high_per_10": 10 * float(high),
                "r2": float(result.rsquared),
            }
        )
    return rounded(pd.DataFrame(rows))


# ---- Figures data --------------------------------------------------------------------------------


def bands(year: int, grid_points: int = 101, alpha: float = 0.05) -> pd.DataFrame:
    """Fitted line with its confidence band (mean) and prediction band (a new country) on a grid of
    FH totals from 0 to 100. Columns: fh_total, fitted, ci_low, ci_high, pi_low, pi_high."""
    result, _ = fit(year)
    grid = pd.DataFrame({"const": 1.0, "fh_total": np.linspace(0, 100, grid_points)})
    frame = result.get_prediction(grid).summary_frame(alpha=alpha)
    return rounded(
        pd.DataFrame(
            {
                "fh_total": grid["fh_total"],
                "fitted": frame["mean"],
                "ci_low": frame["mean_ci_lower"],
                "ci_high": frame["mean_ci_upper"],
                "pi_low": frame["obs_ci_lower"],
                "pi_high": frame["obs_ci_upper"],
            }
        )
    )


def country_position(year: int, country: str = egov.KAZAKHSTAN, alpha: float = 0.05) -> dict:
    """A country's observed EGDI, fitted value, residual and where it falls in the prediction interval
    (as a quantile of the predictive t distribution: 0.975 is the upper edge of the 95 % band)."""
    from scipy import stats

    result, data = fit(year)
    row = data[data["country"] == country].iloc[0]
    X = pd.DataFrame({"const": [1.0], "fh_total": [float(row["fh_total"])]})
    pred = result.get_prediction(X).summary_frame(alpha=alpha).iloc[0]
    se_obs = float(np.sqrt(pred["mean_se"] ** 2 + result.scale))
    t = (float(row["egdi"]) - float(pred["mean"])) / se_obs
    residuals = data["egdi"] - result.fittedvalues
    return rounded(
        {
            "country": country,
            "fh_total": float(row["fh_total"]),
            "egdi": float(row["egdi"]),
            "fitted": float(pred["mean"]),
            "residual": float(row["egdi"] - pred["mean"]),
            "pi_low": float(pred["obs_ci_lower"]),
            "pi_high": float(pred["obs_ci_upper"]),
            "inside_pi": bool(pred["obs_ci_lower"] <= row["egdi"] <= pred["obs_ci_upper"]),
            "pi_quantile": float(stats.t.cdf(t, result.df_resid)),
            "residual_rank": int((residuals > residuals[data["country"] == country].item()).sum() + 1),
            "n": int(result.nobs),
        }
    )
