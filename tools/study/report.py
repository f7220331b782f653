"""The study's figures: a table per policy, the comparison against the targets, and PNG charts."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.sla.rules import SlaPolicy
from feedback.kpis import FINISHED, kpis
from retention.cohorts import promise_kept
from tools.study import world
from tools.study.runner import JobRecord
from tools.study.world import Calibre

TARGET_NPS_GAIN = 10.0
TARGET_MAX_ETA_GROWTH = 0.05
TARGET_PROMISE_KEPT = 0.95  # with calibrated promises
TARGET_MAX_PROMISE_GROWTH = 0.15  # calibrated promises against OSRM's raw estimate
TARGET_MAE_CUT = 0.30  # the calibrated ETA's mean absolute error below the raw one
DEFAULT_LEVELS = SlaPolicy()  # the study runs on the default service levels
RETENTION_MODEL = (
    f"Retention: each order's driver renews his cover with a chance of {world.RENEWAL_BASE:.0%}, "
    + ", ".join(
        f"{100 * effect:+.0f} points {name.replace('_', ' ')}" for name, effect in world.RENEWAL_EFFECTS.items()
    )
    + f" (within {world.RENEWAL_FLOOR:.0%}-{world.RENEWAL_CEILING:.0%}), drawn the same way for the same "
    "breakdown under both policies; retention is the share who renew."
)


@dataclass(frozen=True, slots=True)
class PolicySummary:
    orders: int
    served: float | None
    nps: float | None
    csat: float | None
    mean_eta_s: float | None  # the expected drive at acceptance (the calibrated median, or OSRM's estimate)
    mean_promise_s: float | None
    promise_over_raw: float | None  # the mean promise over OSRM's mean estimate of the same drives
    eta_mae_s: float | None  # that expected drive against the real one
    eta_mae_raw_s: float | None  # OSRM's estimate against the real drive
    promise_kept: float | None
    time_to_arrival_p50_s: float | None
    jobs_by_calibre: dict[str, float]
    retention: float | None = None  # the share of drivers who renewed their cover (world.renews)
    retention_expected: float | None = None  # the mean of their chances to renew (world.renewal_probability)


def renewal_chance(record: JobRecord, levels: SlaPolicy = DEFAULT_LEVELS) -> float:
    """The driver's chance to renew after this order, by the world's model of memory."""
    facts = record.facts
    helped = facts.status in FINISHED
    kept = promise_kept(facts.arrived_at, facts.promised_at, levels.arrival_tolerance(facts.service))
    return world.renewal_probability(helped, kept if helped else None, facts.nps)


def summarise(records: Sequence[JobRecord], levels: SlaPolicy = DEFAULT_LEVELS) -> PolicySummary:
    metrics = kpis([r.facts for r in records], levels.arrival_tolerance)
    promises = [r.promised_eta_s for r in records if r.promised_eta_s is not None]
    etas = [r.facts.eta_median_s for r in records if r.facts.eta_median_s is not None]
    same_drives = [(r.promised_eta_s, r.facts.eta_raw_s) for r in records
                   if r.promised_eta_s is not None and r.facts.eta_raw_s]  # fmt: skip
    served = [r for r in records if r.facts.status in FINISHED]
    jobs = [r for r in records if r.calibre is not None]
    chances = [renewal_chance(r, levels) for r in records]
    return PolicySummary(
        orders=len(records),
        served=len(served) / len(records) if records else None,
        nps=metrics.nps,
        csat=metrics.csat,
        mean_eta_s=sum(etas) / len(etas) if etas else None,
        mean_promise_s=sum(promises) / len(promises) if promises else None,
        promise_over_raw=sum(p for p, _ in same_drives) / sum(r for _, r in same_drives) if same_drives else None,
        eta_mae_s=metrics.eta_error_calibrated.mae_s,
        eta_mae_raw_s=metrics.eta_error_raw.mae_s,
        promise_kept=metrics.eta_promise_kept,
        time_to_arrival_p50_s=metrics.time_to_arrival_s.p50,
        jobs_by_calibre={c.value: sum(r.calibre is c for r in jobs) / len(jobs) if jobs else 0.0 for c in Calibre},
        retention=sum(world.renews(c, r.facts.created_at.isoformat()) for r, c in zip(records, chances, strict=True))
        / len(records)
        if records
        else None,
        retention_expected=sum(chances) / len(chances) if chances else None,
    )


def daily(records: Sequence[JobRecord], days: int, window: int = 3) -> dict[str, list[float | None]]:
    """Per day: NPS over a trailing window of days, mean promised ETA, and the share of jobs by calibre."""
    series: dict[str, list[float | None]] = {"nps": [], "mean_eta_s": [], **{c.value: [] for c in Calibre}}
    for day in range(days):
        recent = [r for r in records if day - window < r.day <= day]
        today = [r for r in records if r.day == day]
        series["nps"].append(summarise(recent).nps if recent else None)
        etas = [r.promised_eta_s for r in today if r.promised_eta_s is not None]
        series["mean_eta_s"].append(sum(etas) / len(etas) if etas else None)
        jobs = [r for r in today if r.calibre is not None]
        for calibre in Calibre:
            series[calibre.value].append(sum(r.calibre is calibre for r in jobs) / len(jobs) if jobs else None)
    return series


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b - 1 if a is not None and b else None


def compare(summaries: dict[str, PolicySummary]) -> dict[str, Any]:
    """Dispatch: trust-weighted against nearest-ETA, both promising calibrated arrivals. Promises: the
    trust-weighted dispatcher's calibrated promises against OSRM's raw estimate (when that arm ran)."""
    baseline, trusted = summaries["nearest_eta"], summaries["trust_weighted"]
    raw = summaries.get("trust_weighted_raw_eta")
    nps_gain = trusted.nps - baseline.nps if trusted.nps is not None and baseline.nps is not None else None
    eta_growth = trusted.mean_eta_s / baseline.mean_eta_s - 1 if trusted.mean_eta_s and baseline.mean_eta_s else None
    retention_gain = (
        trusted.retention - baseline.retention if trusted.retention is not None and baseline.retention is not None
        else None
    )  # fmt: skip
    promise_growth = _ratio(trusted.mean_promise_s, raw.mean_promise_s) if raw else None
    mae_cut = -mae if raw and (mae := _ratio(trusted.eta_mae_s, raw.eta_mae_s)) is not None else None
    met = {
        "nps_gain": nps_gain is not None and nps_gain >= TARGET_NPS_GAIN,
        "mean_eta_growth": eta_growth is not None and eta_growth <= TARGET_MAX_ETA_GROWTH,
        "promise_kept": trusted.promise_kept is not None and trusted.promise_kept >= TARGET_PROMISE_KEPT,
    }
    if raw is not None:
        met["mean_promise_growth"] = promise_growth is not None and promise_growth <= TARGET_MAX_PROMISE_GROWTH
        met["eta_mae_cut"] = mae_cut is not None and mae_cut >= TARGET_MAE_CUT
    return {
        "nps_gain": nps_gain,
        "retention_gain": retention_gain,
        "mean_eta_growth": eta_growth,
        "promise_kept": trusted.promise_kept,
        "promise_kept_raw": raw.promise_kept if raw else None,
        "mean_promise_growth": promise_growth,
        "eta_mae_cut": mae_cut,
        "targets_met": met,
    }


def shares_by_week(records: Sequence[JobRecord], days: int) -> dict[str, dict[str, float]]:
    """The share of jobs by calibre in the first and the last week: how jobs shift as scores are learnt."""
    weeks = {"first week": range(0, min(7, days)), "last week": range(max(0, days - 7), days)}
    shares = {}
    for name, span in weeks.items():
        jobs = [r for r in records if r.calibre is not None and r.day in span]
        shares[name] = {c.value: sum(r.calibre is c for r in jobs) / len(jobs) if jobs else 0.0 for c in Calibre}
    return shares


def table(
    summaries: dict[str, PolicySummary], comparison: dict[str, Any], weekly: dict[str, dict[str, dict[str, float]]]
) -> str:
    def cell(value: float | None, fmt: str) -> str:
        return "n/a" if value is None else format(value, fmt)

    lines = [
        "| policy | orders | served | NPS | retention | CSAT | mean ETA (s) | mean promise (s) | promise kept "
        "| ETA MAE (s) | raw MAE (s) | arrival p50 (s) | jobs good/avg/poor |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in summaries.items():
        shares = "/".join(f"{s.jobs_by_calibre[c.value]:.0%}" for c in Calibre)
        lines.append(
            f"| {name} | {s.orders} | {cell(s.served, '.1%')} | {cell(s.nps, '.1f')} | {cell(s.retention, '.1%')} "
            f"| {cell(s.csat, '.1%')} "
            f"| {cell(s.mean_eta_s, '.0f')} | {cell(s.mean_promise_s, '.0f')} | {cell(s.promise_kept, '.1%')} "
            f"| {cell(s.eta_mae_s, '.0f')} | {cell(s.eta_mae_raw_s, '.0f')} | {cell(s.time_to_arrival_p50_s, '.0f')} "
            f"| {shares} |"
        )
    lines += ["", "| policy | jobs good/avg/poor, first week | last week |", "|---|---|---|"]
    for name, weeks in weekly.items():
        cells = ["/".join(f"{shares[c.value]:.0%}" for c in Calibre) for shares in weeks.values()]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    met = comparison["targets_met"]
    lines += [
        "",
        f"NPS gain: {cell(comparison['nps_gain'], '+.1f')} points (target ≥ {TARGET_NPS_GAIN:.0f}: "
        f"{'met' if met['nps_gain'] else 'missed'})",
        f"Mean ETA growth: {cell(comparison['mean_eta_growth'], '+.1%')} (target ≤ {TARGET_MAX_ETA_GROWTH:.0%}: "
        f"{'met' if met['mean_eta_growth'] else 'missed'})",
        f"Promise kept (trust-weighted, calibrated): {cell(comparison['promise_kept'], '.1%')} (target ≥ "
        f"{TARGET_PROMISE_KEPT:.0%}: {'met' if met['promise_kept'] else 'missed'}); with OSRM's raw estimate: "
        f"{cell(comparison['promise_kept_raw'], '.1%')}",
        f"Mean promise, calibrated against raw: {cell(comparison['mean_promise_growth'], '+.1%')} (target ≤ "
        f"{TARGET_MAX_PROMISE_GROWTH:.0%}: {_verdict(met.get('mean_promise_growth'))}); against OSRM's estimate of "
        f"the same drives: {cell(_growth(summaries['trust_weighted'].promise_over_raw), '+.1%')} (the arms' "
        "dispatchers chose different technicians)",
        f"ETA MAE cut by calibration: {cell(comparison['eta_mae_cut'], '.1%')} (target ≥ {TARGET_MAE_CUT:.0%}: "
        f"{_verdict(met.get('eta_mae_cut'))})",
        f"Retention gain: {cell(_points(comparison['retention_gain']), '+.1f')} points (no target: what each "
        "policy's service "
        "does to renewals)",
        "",
        RETENTION_MODEL,
    ]
    return "\n".join(lines)


def _growth(ratio: float | None) -> float | None:
    return None if ratio is None else ratio - 1


def _verdict(met: bool | None) -> str:
    return "not run" if met is None else "met" if met else "missed"


def _points(share: float | None) -> float | None:
    return None if share is None else 100 * share


def charts(series: dict[str, dict[str, list[float | None]]], out: Path) -> list[Path]:
    """nps.png, jobs.png and eta.png: the two policies day by day."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    styles = {"nearest_eta": "tab:gray", "trust_weighted": "tab:blue"}
    for name, title, keys in (
        ("nps", "NPS (trailing 3 days)", ["nps"]),
        ("jobs", "Share of the day's jobs: good (solid) and poor (dashed) technicians", ["good", "poor"]),
        ("eta", "Mean promised ETA of the day's jobs (s)", ["mean_eta_s"]),
    ):
        figure, axes = plt.subplots(figsize=(9, 4.5))
        for policy, values in series.items():
            for key in keys:
                points = [(day, v) for day, v in enumerate(values[key]) if v is not None]
                axes.plot(
                    [d for d, _ in points], [v for _, v in points], color=styles.get(policy, "tab:red"),
                    linestyle="--" if key == "poor" else "-", label=f"{policy} {key}" if len(keys) > 1 else policy,
                )  # fmt: skip
        axes.set_title(title)
        axes.set_xlabel("day")
        axes.grid(alpha=0.3)
        axes.legend()
        path = out / f"{name}.png"
        figure.tight_layout()
        figure.savefig(path, dpi=100)
        plt.close(figure)
        written.append(path)
    return written


def write_report(results: Mapping[str, Sequence[JobRecord]], days: int, out: Path) -> str:
    """Writes study.json, study.md and the charts into `out`; returns the table."""
    out.mkdir(parents=True, exist_ok=True)
    summaries = {policy: summarise(records) for policy, records in results.items()}
    comparison = compare(summaries)
    series = {policy: daily(records, days) for policy, records in results.items()}
    weekly = {policy: shares_by_week(records, days) for policy, records in results.items()}
    text = table(summaries, comparison, weekly)
    (out / "study.md").write_text(text + "\n")
    payload = {
        "summaries": {policy: asdict(summary) for policy, summary in summaries.items()},
        "comparison": comparison,
        "retention_model": {"base": world.RENEWAL_BASE, "effects": world.RENEWAL_EFFECTS,
                            "floor": world.RENEWAL_FLOOR, "ceiling": world.RENEWAL_CEILING},
        "jobs_by_week": weekly,
        "daily": series,
    }  # fmt: skip
    (out / "study.json").write_text(json.dumps(payload, indent=2))
    charts(series, out)
    return text
