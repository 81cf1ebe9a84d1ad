"""Display values for a heatmap: robust to outliers, 0–100. Django-free.

Raw counts are heavy-tailed (a mall cell has 1,000× a suburb's orders), so a linear colour scale
shows one hot cell and nothing else. Steps, in order:
1. clip at the IQR fences (Q1 − 1.5·IQR, Q3 + 1.5·IQR), so a few extreme cells do not set the scale;
2. log-scale (log1p, counts are ≥ 0);
3. map the 5th percentile to 0 and the 95th to 100, clamping outside.
Percentiles are linear-interpolated (numpy's default). Equal values give equal display values; a
flat map (all values equal, or a single cell) is all 100 when non-zero and 0 when zero.
"""

import math

import numpy as np


def normalise(counts: list[int] | list[float]) -> list[float]:
    if not counts:
        return []
    values = np.asarray(counts, dtype=float)
    q1, q3 = np.percentile(values, [25, 75])
    spread = q3 - q1
    clipped = np.clip(values, q1 - 1.5 * spread, q3 + 1.5 * spread)
    logged = np.log1p(np.maximum(clipped, 0))
    low, high = np.percentile(logged, [5, 95])
    if math.isclose(high, low):
        return [100.0 if value > 0 else 0.0 for value in values]
    scaled = np.clip((logged - low) / (high - low) * 100, 0, 100)
    return [round(float(value), 1) for value in scaled]


def describe(counts: list[int] | list[float]) -> dict[str, float]:
    """The figures a legend needs: cells, total, min, p5, median, p95, max of the raw counts."""
    if not counts:
        return {"cells": 0, "total": 0, "min": 0, "p5": 0, "median": 0, "p95": 0, "max": 0}
    values = np.asarray(counts, dtype=float)
    p5, median, p95 = np.percentile(values, [5, 50, 95])
    return {
        "cells": int(values.size),
        "total": float(values.sum()),
        "min": float(values.min()),
        "p5": round(float(p5), 2),
        "median": round(float(median), 2),
        "p95": round(float(p95), 2),
        "max": float(values.max()),
    }
