"""mkdocs hook: the gallery of docs/plots.md, drawn when the site is built.

Every plot of :mod:`custseg.plot` is drawn from the simulated store of
``custseg demo`` (:mod:`custseg.datasets`) in English and in Chinese, and
added to the site as ``gallery/<name>.svg`` and ``gallery/<name>_zh.svg``
(SVG with the text kept as text: the browser draws the Chinese). Nothing is
written to ``docs/``; the files exist only in the built site.

Enable it in ``mkdocs.yml``::

    hooks:
      - docs/_ext/gallery.py

Run it alone to write the files to a directory (to look at them)::

    python docs/_ext/gallery.py /tmp/gallery
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import custseg
from custseg import plot
from custseg.datasets import simulate_customers, simulate_transactions

#: The size of the simulated store (a few seconds to draw everything).
N_CUSTOMERS = 20_000
SEED = 7
#: The first of the two periods compared in the migration plot.
MIDTERM = "2024-07-01"
STAFF = {
    "en": ("Amy", "Bo", "Chen", "Dana", "Eli"),
    "zh": ("王芳", "李伟", "张敏", "刘洋", "陈静"),
}


def _status(tx: pd.DataFrame, as_of: Any, lang: str) -> tuple[Any, custseg.Labels]:
    """Facts (indexed by customer) and status classes at *as_of*."""
    facts = custseg.summarize(tx.customer_id, tx.date, tx.amount, as_of=as_of)
    frame = facts.to_pandas()
    status = custseg.customer_status(
        frame.frequency, frame.tenure_days, frame.recency_days, lang=lang
    )
    return facts, status


def _owners(value: np.ndarray, lang: str) -> custseg.Assignment:
    """A book handed over unevenly, rebalanced with a small move budget."""
    staff = STAFF[lang]
    rng = np.random.default_rng(SEED)
    current = rng.choice(
        np.array(staff, dtype=object), size=len(value), p=[0.3, 0.25, 0.2, 0.15, 0.1]
    )
    current[rng.random(len(value)) < 0.08] = None  # customers nobody owns yet
    return custseg.assign_owners(
        value, staff, current_owner=current, max_moves=len(value) // 25
    )


def gallery(n_customers: int = N_CUSTOMERS, seed: int = SEED) -> dict[str, str]:
    """Every plot of the gallery as SVG text, keyed by file name."""
    tx = simulate_transactions(n_customers, seed=seed)
    records = simulate_customers(tx, seed=seed)
    early = tx[tx.date < MIDTERM]
    out: dict[str, str] = {}
    for lang in ("en", "zh"):
        facts, status = _status(tx, None, lang)
        _, status_before = _status(early, MIDTERM, lang)
        scores = custseg.rfm_scores(
            facts.recency_days, facts.frequency, facts.monetary, nan="unknown"
        )
        loyalty = custseg.loyalty_level(
            records.satisfaction, records.repurchase, records.referral, lang=lang
        )
        drawings = {
            "segment_sizes": plot.segment_sizes(
                custseg.segment_summary(status, facts), lang=lang
            ),
            "rf_heatmap": plot.rf_heatmap(scores, lang=lang),
            "rf_heatmap_monetary": plot.rf_heatmap(
                scores, facts, value="monetary", lang=lang
            ),
            "score_distribution": plot.score_distribution(scores, lang=lang),
            "lorenz": plot.lorenz(facts, lang=lang),
            "label_counts": plot.label_counts(status, lang=lang),
            "label_counts_loyalty": plot.label_counts(loyalty, lang=lang),
            "transition_heatmap": plot.transition_heatmap(
                custseg.transition_matrix(status_before, status), lang=lang
            ),
            "workload": plot.workload(
                _owners(np.clip(facts.monetary, 0, None), lang), lang=lang
            ),
        }
        # the ecommerce preset's 11 RFM segments and 8 RFM types: long names
        preset = {"preset": "ecommerce", "lang": None if lang == "en" else lang}
        seg = custseg.segment(tx, **preset)
        seg_before = custseg.segment(early, as_of=MIDTERM, **preset)
        for column in ("rfm11", "rfm8"):
            drawings[f"segment_sizes_{column}"] = plot.segment_sizes(
                custseg.segment_summary(seg.customers[column], seg.facts), lang=lang
            )
        drawings["transition_heatmap_rfm11"] = plot.transition_heatmap(
            custseg.transition_matrix(seg_before.customers.rfm11, seg.customers.rfm11),
            lang=lang,
        )
        suffix = "" if lang == "en" else "_zh"
        for name, ax in drawings.items():
            out[f"{name}{suffix}.svg"] = plot.to_svg(ax)
    return out


def on_files(files: Any, config: Any) -> Any:
    """mkdocs event: add the gallery's SVG files to the site."""
    from mkdocs.structure.files import File

    for name, svg in gallery().items():
        files.append(File.generated(config, f"gallery/{name}", content=svg))
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "gallery")
    target.mkdir(parents=True, exist_ok=True)
    for name, svg in gallery().items():
        (target / name).write_text(svg, encoding="utf-8")
        print(target / name)
