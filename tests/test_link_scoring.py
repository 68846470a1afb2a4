"""Link scoring and candidate rules on small hand-written goals (the corpus tests are in test_links.py)."""

from __future__ import annotations

from models.links import GoalPoint, candidates, municipality_key, plan_family, score


def goal(anchor: str, year: int, goal_id: str | None, text: str, plan: str = "Beskæftigelsesplan",
         muni: str = "eksempel", doc: int = 1, title: str | None = None,
         targets: tuple[tuple[float, str | None], ...] = ()) -> GoalPoint:
    return GoalPoint(anchor, doc, muni, plan_family(f"{plan} {year}"), f"{year}-09-01", year, goal_id, None, title,
                     text, targets)


def test_plan_family_ignores_the_year() -> None:
    assert plan_family("Beskæftigelsesplan 2024") == plan_family("Beskæftigelsesplan 2025") == "beskæftigelsesplan"
    assert plan_family(None) == ""
    assert municipality_key("Norddjurs Kommune") == municipality_key("norddjurs") == "norddjurs"


def test_reasons_name_what_matched() -> None:
    a = goal("a", 2024, "2.1", "Mindst 60 % af de ledige skal have en plan efter 3 måneder",
             targets=((60.0, "percent"),))
    b = goal("b", 2025, "3.4", "Mindst 60 % af de ledige skal have en plan efter 3 måneders ledighed",
             targets=((60.0, "percent"),))
    value, reasons = score(a, b)
    assert value >= 85
    assert "renumbered 2.1 → 3.4" in reasons and "same target 60 percent" in reasons
    unrelated = goal("c", 2025, "2.1", "Der skal indgås 40 voksenelevaftaler")
    low, why = score(a, unrelated)
    assert low < 50 and "same goal id 2.1" in why


def test_next_plan_skips_another_plan_family_in_between() -> None:
    text = "Antallet af borgere på sygedagpenge i mere end 22 uger skal falde"
    points = [goal("job24", 2024, "1.1", text, doc=1),
              goal("health25", 2025, "1.1", text, plan="Sundhedsplan", doc=2),
              goal("job26", 2026, "4.2", text + " med 5 %", doc=3)]
    links = {(c.from_anchor, c.to_anchor) for c in candidates(points)}
    assert links == {("job24", "job26")}


def test_a_split_goal_links_to_both_halves_and_nothing_crosses_municipalities() -> None:
    old = goal("old", 2024, "5.6", "I 2030 skal mindst 90 % af de 25-årige have gennemført en ungdomsuddannelse. "
                                   "Andelen af unge uden uddannelse eller job skal halveres.")
    half1 = goal("h1", 2025, "6.6", "I 2030 skal mindst 90 % af de 25-årige have gennemført en ungdomsuddannelse",
                 doc=2)
    half2 = goal("h2", 2025, "6.7", "Andelen af unge uden uddannelse eller job skal halveres", doc=2)
    elsewhere = goal("x", 2025, "5.6", old.text, muni="andetsted", doc=3)
    links = {(c.from_anchor, c.to_anchor) for c in candidates([old, half1, half2])}
    assert links == {("old", "h1"), ("old", "h2")}
    assert candidates([old, elsewhere]) == []


def test_reprints_are_one_version_linked_as_a_chain() -> None:
    """Four printings of one 2025 goal: a chain of three links plus one link from 2024, not six pairs
    and four next-plan links."""
    a = goal("a", 2024, "1.1", "Flere ledige skal i job", doc=1)
    reprints = [goal(f"r{i}", 2025, "1.1", "Flere ledige skal i job", doc=i + 2) for i in range(4)]
    reprints = [GoalPoint(p.anchor, p.document_id, p.municipality, p.plan_family, f"2025-0{i + 1}-01", p.plan_year,
                          p.goal_id, p.theme, p.title, p.text) for i, p in enumerate(reprints)]
    found = {(x.from_anchor, x.to_anchor, x.method) for x in candidates([a, *reversed(reprints)])}
    assert found == {("r0", "r1", "same_plan"), ("r1", "r2", "same_plan"), ("r2", "r3", "same_plan"),
                     ("a", "r0", "next_plan")}


def test_a_reprint_with_another_number_is_another_version() -> None:
    a = goal("a", 2025, "1.1", "Flere ledige skal i job", doc=1)
    b = goal("b", 2025, "1.2", "Flere ledige skal i job", doc=2)
    c = goal("c", 2025, "1.1", "Flere ledige skal i job hurtigere", doc=3)
    found = {(x.from_anchor, x.to_anchor, x.method) for x in candidates([a, b, c])}
    assert found == {("a", "c", "same_plan")}
