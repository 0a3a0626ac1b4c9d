"""The one mapping from ACLED and UCDP GED event types to event categories and Framework indicators.

Series and signals count events per *category*, whichever dataset they come from. An event can
fall into several categories (an ACLED "Sexual violence" row is also violence against civilians
and civilian targeting). The rules (UCDP by ``type_of_violence``):

- ``violence-against-civilians``: ACLED ``event_type`` "Violence against civilians"; UCDP 3
  (one-sided violence);
- ``civilian-targeting``: the loader's ``civilian_targeting`` column (ACLED ``civilian_targeting``
  set, ``inter2`` civilians, or violence against civilians; UCDP 3);
- ``battles``: ACLED "Battles"; UCDP 1 (state-based) and 2 (non-state);
- ``remote-violence``: ACLED "Explosions/Remote violence";
- ``sexual-violence``, ``abduction``: ACLED sub-events "Sexual violence",
  "Abduction/forced disappearance";
- ``repression``: ACLED sub-events "Excessive force against protesters", "Arrests";
- ``riots``, ``protests``, ``strategic-developments``: the ACLED event types of those names;
- ``political-violence``: ACLED ``disorder_type`` containing "Political violence" (older exports
  without the column: the violent event types); every UCDP event (GED records only organised
  lethal violence).

Framework indicators (``EVIDENCES``, team judgement): ACLED sub-events in :data:`ACLED_INDICATORS`;
UCDP one-sided violence evidences 11.1 (see :data:`UCDP_INDICATORS`).

Example:
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"id": ["a", "b"], "dataset": ["ACLED", "UCDP-GED"],
    ...     "event_type": ["Violence against civilians", "one-sided violence"],
    ...     "sub_event_type": ["Sexual violence", None], "disorder_type": ["Political violence", None],
    ...     "civilian_targeting": [True, True]})
    >>> sorted(categories(rows).query("id == 'a'")["category"])
    ['civilian-targeting', 'political-violence', 'sexual-violence', 'violence-against-civilians']
    >>> sorted(categories(rows).query("id == 'b'")["category"])
    ['civilian-targeting', 'political-violence', 'violence-against-civilians']
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["ACLED_INDICATORS", "CATEGORIES", "UCDP_INDICATORS", "categories", "category_masks"]

# ACLED sub-event types that evidence Framework indicators.
ACLED_INDICATORS: dict[str, list[str]] = {
    "Sexual violence": ["7.9"], "Abduction/forced disappearance": ["7.8"], "Attack": ["7.8"],
    "Looting/property destruction": ["7.11"], "Chemical weapon": ["13.10"],
    "Excessive force against protesters": ["7.8"]}
# UCDP GED violence types (as the loader names them) that evidence Framework indicators.
UCDP_INDICATORS: dict[str, list[str]] = {"one-sided violence": ["11.1"]}

_BY_TYPE: dict[str, list[str]] = {
    "Violence against civilians": ["violence-against-civilians"],
    "one-sided violence": ["violence-against-civilians"],
    "Battles": ["battles"], "state-based conflict": ["battles"], "non-state conflict": ["battles"],
    "Explosions/Remote violence": ["remote-violence"], "Riots": ["riots"], "Protests": ["protests"],
    "Strategic developments": ["strategic-developments"],
}
_BY_SUB_TYPE: dict[str, list[str]] = {
    "Sexual violence": ["sexual-violence"], "Abduction/forced disappearance": ["abduction"],
    "Excessive force against protesters": ["repression"], "Arrests": ["repression"],
}
_VIOLENT = {"Violence against civilians", "Battles", "Explosions/Remote violence", "Riots"}

CATEGORIES: tuple[str, ...] = (
    "violence-against-civilians", "civilian-targeting", "battles", "remote-violence", "sexual-violence",
    "abduction", "repression", "riots", "protests", "strategic-developments", "political-violence")


def category_masks(events: pd.DataFrame) -> dict[str, npt.NDArray[np.bool_]]:
    """One boolean array per category (in :data:`CATEGORIES` order): which events are in it.

    The type columns are factorized once, so each rule is applied to the few distinct values,
    not to every row.
    """
    n = len(events)
    out = {c: np.zeros(n, dtype=bool) for c in CATEGORIES}
    for column, table in (("event_type", _BY_TYPE), ("sub_event_type", _BY_SUB_TYPE)):
        codes, uniques = pd.factorize(events[column])
        for i, value in enumerate(uniques):
            for category in table.get(str(value), []):
                out[category] |= codes == i
    civ = events["civilian_targeting"].fillna(False).astype(bool).to_numpy()
    out["civilian-targeting"] |= civ
    codes, uniques = pd.factorize(events["disorder_type"])
    political_values = [i for i, v in enumerate(uniques) if "Political violence" in str(v)]
    blank_values = [i for i, v in enumerate(uniques) if str(v) == ""]
    blank = (codes == -1) | np.isin(codes, blank_values)
    type_codes, type_uniques = pd.factorize(events["event_type"])
    violent_types = [i for i, v in enumerate(type_uniques) if v in _VIOLENT]
    ucdp = events["dataset"].eq("UCDP-GED").fillna(False).to_numpy(dtype=bool)
    out["political-violence"] |= np.isin(codes, political_values) | (
        blank & (ucdp | np.isin(type_codes, violent_types)))
    return out


def categories(events: pd.DataFrame) -> pd.DataFrame:
    """``(id, category)`` pairs for events with ``dataset``, ``event_type``, ``sub_event_type``,
    ``disorder_type`` and ``civilian_targeting`` columns, computed column-wise."""
    ids = events["id"].to_numpy(dtype=object)
    parts = [pd.DataFrame({"id": ids[mask], "category": category})
             for category, mask in category_masks(events).items() if mask.any()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["id", "category"])
