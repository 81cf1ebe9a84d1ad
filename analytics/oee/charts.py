"""Chart specs (the JSON static/js/charts.js draws) and their tables, from selector output."""

from typing import Any

from analytics.oee.choices import LossCategory

PERCENT_AXIS = {"scales": {"y": {"beginAtZero": True, "title": {"display": True, "text": "%"}}}}


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def trend_chart(rows: list[dict[str, Any]], *, chart_id: str, title: str) -> dict[str, Any]:
    """OEE and its three factors per period (flagged single days show as reported)."""
    labels = [row["period_start"].isoformat() for row in rows]
    series = [
        ("OEE", "oee", "#1f4e79"),
        ("Availability", "availability", "#2f8132"),
        ("Performance", "performance", "#b7791f"),
        ("Quality", "quality", "#805ad5"),
    ]
    return {
        "id": chart_id,
        "title": title,
        "type": "line",
        "labels": labels,
        "datasets": [
            {
                "label": label,
                "data": [_pct(row[key]) for row in rows],
                "borderColor": colour,
                "backgroundColor": colour,
                "spanGaps": False,
                "pointRadius": 2,
            }
            for label, key, colour in series
        ],
        "options": PERCENT_AXIS,
        "empty": not rows,
        "table": {
            "columns": ["Period", "A %", "P %", "Q %", "OEE %", "Days", "Flagged days", "Flags"],
            "rows": [
                [
                    row["period_start"].isoformat(),
                    _pct(row["availability"]),
                    _pct(row["performance"]),
                    _pct(row["quality"]),
                    _pct(row["oee"]),
                    row["days"],
                    row["flagged_days"],
                    ", ".join(row["flags"]),
                ]
                for row in rows
            ],
        },
    }


def pareto_chart(pareto: dict[str, Any], *, chart_id: str) -> dict[str, Any]:
    """Minutes lost per loss category (bars) with the cumulative share (line)."""
    categories = pareto["categories"]
    labels = dict(LossCategory.choices)
    return {
        "id": chart_id,
        "title": "Loss Pareto (minutes lost by category)",
        "type": "bar",
        "labels": [labels[entry["category"]] for entry in categories],
        "datasets": [
            {
                "label": "Minutes lost",
                "data": [entry["minutes"] for entry in categories],
                "backgroundColor": "#c53030",
                "yAxisID": "y",
            },
            {
                "label": "Cumulative %",
                "type": "line",
                "data": [round(entry["cumulative_share"] * 100, 1) for entry in categories],
                "borderColor": "#1f4e79",
                "backgroundColor": "#1f4e79",
                "yAxisID": "share",
            },
        ],
        "options": {
            "scales": {
                "y": {"beginAtZero": True, "title": {"display": True, "text": "minutes"}},
                "share": {"position": "right", "min": 0, "max": 100},
            }
        },
        "empty": not categories,
        "table": {
            "columns": ["Category", "Reason", "Minutes", "Events"],
            "rows": [
                [labels[entry["category"]], reason["reason"], reason["minutes"], reason["events"]]
                for entry in categories
                for reason in entry["reasons"]
            ],
        },
    }
