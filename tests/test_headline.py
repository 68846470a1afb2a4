"""The headline measure per goal: one target (or direction), the latest observed value, the baseline.

Scored against hand-written gold for the Norddjurs follow-ups (tests/data/headline_gold/), parsed
from the text and the PDF of both documents, plus one test per rule on short strings.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from models.records import Goal
from parsers.extract.headline import choose_headline, period_key, with_headline

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
GOLD_DIR = Path(__file__).resolve().parent / "data" / "headline_gold"
FLOOR = 0.9


def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _same_period(a: str | None, b: str | None) -> bool:
    def norm(s: str | None) -> str | None:
        return " ".join(s.lower().replace("–", "-").split()).replace(" - ", "-") if s else None

    return norm(a) == norm(b)


def _checks(gold: dict[str, Any], goal: Goal | None) -> list[tuple[str, bool, str]]:
    """(check, right, what was expected and found) for target, observed and baseline of one goal."""
    g = goal or Goal(text="")
    found = {k: getattr(g, k) for k in ("target_value", "target_unit", "target_comparison", "target_direction",
                                        "observed_value", "observed_unit", "observed_period", "baseline_value",
                                        "baseline_period")}
    t = gold["target"] or {}
    target_ok = (_same_value(t.get("value"), g.target_value) and t.get("unit") == g.target_unit
                 and t.get("comparison") == g.target_comparison and t.get("direction") == g.target_direction)
    o = gold["observed"] or {}
    observed_ok = (_same_value(o.get("value"), g.observed_value) and o.get("unit") == g.observed_unit
                   and _same_period(o.get("period"), g.observed_period))
    b = gold["baseline"] or {}
    baseline_ok = _same_value(b.get("value"), g.baseline_value) and _same_period(b.get("period"), g.baseline_period)
    if goal is None:
        target_ok = observed_ok = baseline_ok = False
    return [
        ("target", target_ok, f"{t or None} | {found['target_value']} {found['target_unit']} "
                              f"{found['target_comparison']} {found['target_direction']}"),
        ("observed", observed_ok, f"{o or None} | {found['observed_value']} {found['observed_unit']} "
                                  f"{found['observed_period']!r}"),
        ("baseline", baseline_ok, f"{b or None} | {found['baseline_value']} {found['baseline_period']!r}"),
    ]


def _sources() -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for gold_file in sorted(GOLD_DIR.glob("norddjurs_*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        for doc in gold["documents"]:
            for folder, suffix in (("text", ".txt"), ("pdf", ".pdf")):
                out.append((CORPUS / folder / f"{doc}{suffix}", gold))
    return out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is not beside the project")
def test_headline_figures_against_gold() -> None:
    from parsers.parse import parse_file

    right = total = 0
    for path, gold in _sources():
        if not path.exists():
            continue
        goals = {(g.plan_year, g.goal_id): g for g in parse_file(path).goals}
        doc_right = doc_total = 0
        print(f"\n{path.parent.name}/{path.name}")
        for entry in gold["goals"]:
            goal = goals.get((entry["plan_year"], entry["goal_id"]))
            for name, ok, detail in _checks(entry, goal):
                doc_right += ok
                doc_total += 1
                print(f"  {'ok  ' if ok else 'MISS'} {entry['plan_year']} {entry['goal_id']:<6} {name:<8} {detail}")
        print(f"  {doc_right}/{doc_total} headline checks right")
        right, total = right + doc_right, total + doc_total
    assert total, "no gold document found in the corpus"
    print(f"\nheadline checks right: {right}/{total} = {right / total:.3f}")
    assert right / total >= FLOOR


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is not beside the project")
def test_headline_targets_of_other_municipalities() -> None:
    """Goals of eight other municipalities, annotated before the chooser saw them (the statements are read
    from the corpus gold, so this checks the chooser, not goal extraction)."""
    gold = json.loads((GOLD_DIR / "targets_other_municipalities.json").read_text(encoding="utf-8"))
    right = total = 0
    for entry in gold["goals"]:
        source = json.loads((CORPUS / "gold" / f"{entry['gold']}.gold.json").read_text(encoding="utf-8"))
        g = source["goals"][entry["index"]]
        found = with_headline(Goal(text=g["text"], status_text=g.get("status_text")))
        checks = _checks({"target": entry["target"], "observed": entry.get("observed"), "baseline": None}, found)
        for name, ok, detail in checks[:2] if "observed" in entry else checks[:1]:
            right, total = right + ok, total + 1
            print(f"  {'ok  ' if ok else 'MISS'} {entry['gold'][:40]:<40} {entry['index']:>2} {name:<8} {detail}")
    print(f"\nheadline checks right: {right}/{total} = {right / total:.3f}")
    assert right / total >= FLOOR


# --------------------------------------------------------------------------------------------
# One rule each, on strings


def test_the_level_is_the_share_not_the_count_inside_the_indicator() -> None:
    h = choose_headline("At mindst 80 % af borgerne har deltaget i mindst 4 samtaler de sidste 12 måneder",
                        "I marts 2024 havde 89,9 % deltaget i mindst 4 samtaler de sidste 12 måneder")
    assert (h.target_value, h.target_unit, h.target_comparison, h.target_direction) == (80, "percent", "at_least",
                                                                                       None)
    assert (h.observed_value, h.observed_unit, h.observed_period) == (89.9, "percent", "marts 2024")


def test_durations_frame_the_indicator_and_are_never_the_level() -> None:
    h = choose_headline("Antallet og andelen af borgere, som har modtaget midlertidig offentlig forsørgelse i mere "
                        "end 2 år, reduceres", None)
    assert (h.target_value, h.target_direction) == (None, "decrease")
    h = choose_headline("Efter 4 måneders ledighed skal der foreligge en plan for 80 % af de ledige.", None)
    assert (h.target_value, h.target_unit) == (80, "percent")


def test_a_count_is_the_level_when_nothing_else_is() -> None:
    h = choose_headline("Der skal indgås 70 voksenelevaftaler.", "I 2023 er der indgået 61 voksenelevaftaler.")
    assert (h.target_value, h.target_unit, h.target_comparison) == (70, "count", "at_least")
    assert (h.observed_value, h.observed_period) == (61, "2023")


@pytest.mark.parametrize(("statement", "direction"), [
    ("Antallet af ledige, som påbegynder et opkvalificeringsforløb, øges i 2024 i forhold til 2023", "increase"),
    ("Antallet af sager, der vandrer mellem Rehabiliteringsteamet og Pensionsnævnet, reduceres.", "decrease"),
    ("Antallet af sager fastholdes på det nuværende niveau", "hold"),
    ("At Arbejdsmarkedsafdelingen understøtter, at flere bliver ansat på særlige vilkår", "increase"),
    ("At kommunen har færre borgere på offentlig forsørgelse end beregnet", None),
    ("Ledighedsprocenten i fleksjobordningen følger landsgennemsnittet", None),
])
def test_direction_for_goals_without_a_level(statement: str, direction: str | None) -> None:
    h = choose_headline(statement, None)
    assert (h.target_value, h.target_comparison, h.target_direction) == (None, None, direction)


def test_a_level_wins_over_a_direction_word() -> None:
    h = choose_headline("Ledigheden skal reduceres til 4 % i 2026.", None)
    assert (h.target_value, h.target_comparison, h.target_direction) == (4, "at_most", None)


def test_baseline_is_the_earlier_level_the_status_states() -> None:
    h = choose_headline("Andelen af unge i job eller uddannelse øges",
                        "I april 2024 var andelen 17,1 %. I april 2025 var andelen 18,2 %, en stigning på "
                        "1,1 %-point.")
    assert (h.target_direction, h.observed_value, h.observed_unit, h.observed_period) == (
        "increase", 18.2, "percent", "april 2025")
    assert (h.baseline_value, h.baseline_period) == (17.1, "april 2024")


def test_a_change_in_percentage_points_is_not_the_observed_level() -> None:
    h = choose_headline("Andelen skal øges", "Andelen er steget med 1,1 %-point fra 17,1 % i april 2024 til "
                                              "18,2 % i april 2025.")
    assert (h.observed_value, h.observed_period, h.baseline_value) == (18.2, "april 2025", 17.1)


def test_a_target_change_in_percentage_points() -> None:
    h = choose_headline("Andelen af borgere i job skal øges med 1,1 %-point i 2025.", None)
    assert (h.target_value, h.target_unit, h.target_comparison) == (1.1, "percentage_points", "at_least")


def test_money_with_scale() -> None:
    h = choose_headline("Udgifterne til eksterne konsulenter skal reduceres med 3,978 mio. kr. i 2025.",
                        "I 2025 er udgifterne reduceret med 2,5 mio. kr.")
    assert (h.target_value, h.target_unit, h.target_comparison) == (3978000, "dkk", "at_least")
    assert (h.observed_value, h.observed_unit, h.observed_period) == (2500000, "dkk", "2025")
    h = choose_headline("Udgifterne skal reduceres til 3,978 mio. kr.", None)
    assert (h.target_value, h.target_comparison) == (3978000, "at_most")


def test_half_years_order_the_observations() -> None:
    h = choose_headline("Antallet af borgere i job skal øges",
                        "I 1. halvår 2025 var 134 borgere i job. I 2. halvår 2024 var 120 borgere i job.")
    assert (h.observed_value, h.observed_period, h.baseline_value, h.baseline_period) == (
        134, "1. halvår 2025", 120, "2. halvår 2024")


def test_period_order() -> None:
    keys = [period_key(p) for p in ("2023", "1. kvartal 2024", "marts 2024", "januar-april 2024",
                                    "1. halvår 2024", "2024")]
    assert keys[0] < keys[1] < keys[2] < keys[3] < keys[4] < keys[5]
    assert period_key("2. halvår 2023-1. halvår 2024") == (2024 * 12 + 6, 2023 * 12 + 7)
    assert period_key("1.-3. kvartal 2023") == (2023 * 12 + 9, 2023 * 12 + 1)
    assert period_key("29-08-2024") == (2024 * 12 + 8, 2024 * 12 + 8)
    assert period_key("den seneste måling") is None


def test_national_figures_are_benchmarks_not_observations() -> None:
    h = choose_headline("Ledighedsprocenten i fleksjobordningen følger landsgennemsnittet",
                        "I januar-april 2024 var 13,6 % af de fleksjobvisiterede på landsplan ledige, mens andelen i "
                        "Norddjurs Kommune var 14,6 %")
    assert (h.observed_value, h.observed_period) == (14.6, "januar-april 2024")
    h = choose_headline("Mindst 35 % skal vælge en erhvervsuddannelse.",
                        "32 % af de unge har i 2023 valgt en erhvervsuddannelse. Landstallet er 19,4 %.")
    assert (h.observed_value, h.observed_period) == (32, "2023")


def test_a_benchmark_goal_has_no_level_and_a_condition_is_not_one() -> None:
    h = choose_headline("Kursisterne skal have en beståelsesprocent, som svarer til landstallene. Dog gælder, at ved "
                        "færre end 25 prøvedeltagere må der højst være 4 kursister, der ikke består.", None)
    assert (h.target_value, h.target_direction) == (None, None)


def test_a_statement_of_how_things_were_is_not_the_level() -> None:
    h = choose_headline("Andelen af unge uden uddannelse var på 20 % i september 2020. Andelen skal være højst 10 % "
                        "i 2030.", None)
    assert (h.target_value, h.target_comparison) == (10, "at_most")


def test_zero_reads_only_with_a_period_and_a_real_noun() -> None:
    h = choose_headline("Antallet fastholdes", "I 2023 blev 10 sager sendt. I 1. kvartal 2024 blev ingen sager sendt.")
    assert (h.observed_value, h.observed_period, h.baseline_value) == (0, "1. kvartal 2024", 10)
    h = choose_headline("Antallet fastholdes", "I 2023 blev 10 sager sendt. Der er endnu ingen data for 2024.")
    assert (h.observed_value, h.observed_period) == (10, "2023")


def test_parallel_values_give_no_headline() -> None:
    h = choose_headline("Gennemløbstiden skal svare til landstallet.",
                        "Gennemløbshastigheden var 255,8 lektioner på DU1, 137,75 lektioner på DU2.")
    assert h.observed_value is None


def test_with_headline_sets_the_goal_fields() -> None:
    goal = with_headline(Goal(text="Der oprettes 10 IGU-pladser.",
                              status_text="I 2023 blev der oprettet 4 IGU-pladser."))
    assert (goal.target_value, goal.observed_value, goal.observed_period) == (10, 4, "2023")


def test_the_level_reached_wins_over_the_change_and_a_change_may_be_a_duration() -> None:
    h = choose_headline("denne andel øges med 25 procentpoint til 75 %", None)
    assert (h.target_value, h.target_unit, h.target_comparison) == (75, "percent", "at_least")
    h = choose_headline("det ugentlige timeantal i nyetablerede fleksjob øges med 2 timer i gennemsnit", None)
    assert (h.target_value, h.target_unit, h.target_comparison) == (2, "hours", "at_least")


def test_a_means_is_not_the_direction_and_an_aim_is_not_a_measure() -> None:
    h = choose_headline("80 % af borgerne kommer tættere på arbejdsmarkedet ved at reducere deres barrierer", None)
    assert (h.target_value, h.target_comparison) == (80, "at_least")
    assert choose_headline("at forbedre mulighederne for investeringer i kultur", None).target_direction is None
    assert choose_headline("at øge antallet af frivillige", None).target_direction == "increase"
    assert choose_headline("At opnå størst mulig brugstid af alle lokaler", None).target_direction == "increase"


def test_a_status_restating_the_goal_observes_nothing() -> None:
    h = choose_headline("80 % af sagerne løses inden for 4 uger",
                        "Nu opfyldes målsætningen om, at 80 % af sagerne er afsluttet inden for 4 uger.")
    assert (h.target_value, h.observed_value) == (80, None)


def test_any_text_gives_a_headline_or_none_never_an_exception() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from([
        "I april 2024", " var ", "17,1 %", ". ", "mindst", " 4 samtaler", " øges", " på landsplan", ", mens",
        " ingen sager", "1. halvår 2025", "-", "3,978 mio. kr.", " med ", "1,1 %-point", "\t", "\n", "Pr.", " 2. ",
        "samme periode", "ved at reducere", " til ", "(", "ud af 38"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=20).map("".join), st.lists(pieces, max_size=20).map("".join) | st.text())
    def check(text: str, status: str) -> None:
        h = choose_headline(text, status)
        assert h.target_direction in (None, "increase", "decrease", "hold")
        assert h.target_comparison in (None, "at_least", "at_most", "equal")
        assert (h.baseline_value is None) or h.observed_value is not None

    check()


def test_where_a_goal_starts_is_not_its_level_and_svare_til_is_equal() -> None:
    h = choose_headline("Andelen skal øges fra 17,1 % i 2024 til 20 % i 2026.", None)
    assert (h.target_value, h.target_comparison) == (20, "at_least")
    h = choose_headline("Andelen skal svare til 50 % af landsgennemsnittet.", None)
    assert (h.target_value, h.target_comparison) == (50, "equal")


def test_a_forecast_or_the_goal_restated_is_not_observed() -> None:
    h = choose_headline("Mindst 20 % skal være i job.", "I april 2024 var 18,2 % i job. Det forventes, at andelen "
                                                        "i 2025 bliver 20 %.")
    assert (h.observed_value, h.observed_period) == (18.2, "april 2024")
    h = choose_headline("Mindst 20 % skal være i job.", "Målet var 20 %, men andelen var 18,2 % i april 2025.")
    assert (h.observed_value, h.observed_period) == (18.2, "april 2025")
    h = choose_headline("Mindst 20 % skal være i job.", "Vi forventer, at målet nås, da andelen i april 2025 var "
                                                        "18,2 %.")
    assert (h.observed_value, h.observed_period) == (18.2, "april 2025")


def test_now_is_later_than_any_dated_figure() -> None:
    h = choose_headline("Andelen skal øges.", "I april 2024 var andelen 17,1 %. Nu er andelen 18,2 %.")
    assert (h.observed_value, h.observed_period, h.baseline_value, h.baseline_period) == (18.2, None, 17.1,
                                                                                         "april 2024")


def test_chart_draws_the_baseline_and_the_direction_of_a_goal_without_a_level() -> None:
    from ingest import charts

    point = {"plan_year": 2024, "follow_up_date": "2024-08-29", "goal_id": "6.9", "verdict": "met",
             "municipality": "Norddjurs", "title": "Sygemeldtes tilbagevenden", "statement": "Andelen øges",
             "target_value": None, "target_unit": None, "target_direction": "increase", "observed_value": 12.7,
             "observed_unit": "percent", "baseline_value": 11.0}
    fig = charts.series_figure([point])
    ax = fig.axes[0]
    baseline = [c for c in ax.collections if c.get_label() == "baseline"]
    assert baseline and list(baseline[0].get_offsets()[0]) == [0, 11.0]
    assert any("øges" in t.get_text() for t in ax.texts)
