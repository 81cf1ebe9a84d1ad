"""Chart specs (the JSON static/js/charts.js draws) and their tables, from selector output."""

from typing import Any

from analytics.oee.choices import LossCategory

PERCENT_AXIS = {"scales": {"y": {"beginAtZero": True, "title": {"display": True, "text": "%"}}}}


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _band(label: str, upper: list, lower: list, colour: str) -> list[dict[str, Any]]:
    """Two datasets Chart.js fills between (the lower one fills to the one before it). The
    legend shows the band once, by its fill: the upper edge is flagged ``inLegend: false``."""
    common = {"borderWidth": 0, "pointRadius": 0, "backgroundColor": colour}
    return [
        {"label": f"{label} upper", "data": upper, "fill": False, "inLegend": False, **common},
        {"label": label, "data": lower, "fill": "-1", **common},
    ]


def forecast_datasets(
    forecast: dict[str, Any] | None, padding: int
) -> tuple[list[str], list[dict[str, Any]]]:
    """Labels and datasets (point forecast, 80 % and 95 % bands) after ``padding`` actuals."""
    if not forecast or not forecast["results"]:
        return [], []
    points = forecast["results"]
    before = [None] * padding

    def series(key: str) -> list:
        return before + [_pct(point[key]) for point in points]

    datasets = [
        {
            "label": f"Forecast ({forecast['model']['method']})",
            "data": series("value"),
            "borderColor": "#1f4e79",
            "backgroundColor": "#1f4e79",
            "borderDash": [6, 4],
            "pointRadius": 0,
        },
        *_band("95 % interval", series("upper95"), series("lower95"), "rgba(38,128,194,0.12)"),
        *_band("80 % interval", series("upper80"), series("lower80"), "rgba(38,128,194,0.25)"),
    ]
    return [point["date"].isoformat() for point in points], datasets


def trend_chart(
    rows: list[dict[str, Any]],
    *,
    chart_id: str,
    title: str,
    forecast: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """OEE and its three factors per period (flagged single days show as reported), then the
    forecast with its bands when one is given (daily charts of one line)."""
    labels = [row["period_start"].isoformat() for row in rows]
    forecast_labels, forecast_sets = forecast_datasets(forecast, len(rows))
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
        "labels": labels + forecast_labels,
        "datasets": [
            {
                "label": label,
                "data": [_pct(row[key]) for row in rows] + [None] * len(forecast_labels),
                "borderColor": colour,
                "backgroundColor": colour,
                "spanGaps": False,
                "pointRadius": 2,
            }
            for label, key, colour in series
        ]
        + forecast_sets,
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
            ]
            + [
                [
                    f"{point['date'].isoformat()} (forecast)",
                    None,
                    None,
                    None,
                    f"{_pct(point['value'])} (80 %: {_pct(point['lower80'])}–"
                    f"{_pct(point['upper80'])}, 95 %: {_pct(point['lower95'])}–"
                    f"{_pct(point['upper95'])})",
                    None,
                    None,
                    "",
                ]
                for point in (forecast or {}).get("results", [])
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
