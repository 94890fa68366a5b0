"""Loaders for the Our World in Data grapher exports, 2021 vintage (WDI/ITU data up to 2019).

Both files are long (Entity, Code, Year, value). World Bank aggregates (``Europe & Central Asia``,
``Sub-Saharan Africa`` …) have an empty Code; the world is ``OWID_WRL``. Every frame carries
``vintage`` so that it is never mixed unnoticed with the later World Bank release.
"""

from __future__ import annotations

import pandas as pd

from companion.sources import fetch, loader, schemas
from companion.sources.validate import read_csv

VINTAGE = "OWID 2021"
SHARE_KEY = "owid_internet_share_2021"
USERS_KEY = "owid_internet_users_2021"
USERS_COLUMN = "Number of internet users (OWID based on WB & UN)"


@loader(keys_of=lambda key, *rest: [key], among=(SHARE_KEY, USERS_KEY))
def _read(key: str, value_column: str, value: str, high: float) -> pd.DataFrame:
    raw = read_csv(fetch(key), key, dtype={"Entity": "string", "Code": "string"})
    raw = schemas.check(raw, schemas.OWID_RAW.add_columns({value_column: schemas.number()}), key)
    frame = pd.DataFrame(
        {
            "entity": raw["Entity"].astype(str),
            "code": raw["Code"],
            "year": raw["Year"].astype(int),
            value: raw[value_column].astype(float),
        }
    )
    frame["vintage"] = VINTAGE
    frame = schemas.check(frame, schemas.OWID_SHARE if value == "share" else schemas.OWID_USERS, key)
    return frame.sort_values(["entity", "year"]).reset_index(drop=True)


def internet_share() -> pd.DataFrame:
    """Share of individuals using the Internet, %. Columns: entity, code, year, share, vintage."""
    return _read(SHARE_KEY, "Individuals", "share", 100)


def internet_users() -> pd.DataFrame:
    """Number of Internet users (OWID: WB share x UN population). Columns: entity, code, year, users, vintage."""
    return _read(USERS_KEY, USERS_COLUMN, "users", 1e10)
