"""Unjudged target sentences one a line under a heading, in plans and follow-ups (and not elsewhere)."""

from __future__ import annotations

from models.records import RawDocument, Verdict
from parsers.extract.goals import extract_goals
from parsers.layout import normalise
from parsers.readers.text import text_to_pages

STATUS_NOTE = """# Statusnotat om integrationsindsatsen 2018

Forvaltningen giver status på målene. Målene er nedenfor angivet med kursiv.

## Beskæftigelse

*Antallet af flygtninge i job skal stige med 10 %.*

I 2018 var 12 % flere i job. Målet er nået.

## Integration

Efter 1 år forventes, at 10 % er i beskæftigelse eller uddannelse.
Efter 2 år forventes, at yderligere 15 % er i beskæftigelse eller uddannelse – i alt 25 %.
Efter 3 år forventes, at yderligere 25 % er i beskæftigelse eller uddannelse – i alt 50 %.
Såfremt IGU-ordningen forlænges forventes ultimo 2019 er der 75 fuldførte eller igangværende IGU forløb.

## Økonomi

Der er afsat 2,5 mio. kr. til indsatsen i 2019.
"""


def _goals(text: str, fmt: str = "markdown"):  # type: ignore[no-untyped-def]
    doc = normalise(RawDocument(path="x.md", format=fmt, reader="text", pages=text_to_pages(text, "text")))
    return extract_goals(doc, [])[0]


def test_target_lines_under_a_heading_are_goals_in_a_status_note() -> None:
    goals = _goals(STATUS_NOTE)
    lines = [g for g in goals if g.text.startswith(("Efter", "Såfremt"))]
    assert [g.text[:10] for g in lines] == ["Efter 1 år", "Efter 2 år", "Efter 3 år", "Såfremt IG"]
    assert all(g.verdict is Verdict.none and g.status_text is None for g in lines)
    assert any(g.verdict is Verdict.met for g in goals)  # the italic goal keeps its verdict


def test_target_lines_wrapped_over_lines_are_joined_first() -> None:
    text = STATUS_NOTE.replace("er i beskæftigelse eller uddannelse – i alt 25 %.",
                               "er i beskæftigelse eller\nuddannelse – i alt 25 %.")
    goals = _goals(text)
    assert any(g.text.endswith("beskæftigelse eller uddannelse – i alt 25 %.") for g in goals)


def test_no_target_lines_outside_plans_or_alone() -> None:
    """Minutes that name no plan and hold no other goal, and one `skal`-sentence under a heading, give none."""
    minutes = ("Referat\n\n## Trafik\n\nDer skal i 2025 etableres 3 nye fodgængerfelter.\n"
               "Der skal i 2026 bruges 2 mio. kr. på cykelstier.\n\n## Eventuelt\n\nIntet.\n")
    assert _goals(minutes) == []
    start = STATUS_NOTE.index("Efter 2 år")
    alone = STATUS_NOTE[:start] + "Indsatsen er organiseret i tre teams.\n\n## Økonomi\n\nIntet.\n"
    assert not [g for g in _goals(alone) if "target lines under a heading, no verdict given" in g.confidence_reasons]


def test_theme_notes_of_a_workshop_are_not_goals() -> None:
    """Workshop notes that are no plan: `Målfastsættelse:` over what a group said is not a goal, in any finder."""
    notes = """Referat af workshop om sundhedspolitikken
Dato: 14. marts 2024

Gruppearbejde
Temaerne blev drøftet i tre grupper. Noterne er gengivet uredigeret.

Tema 1: Mental sundhed
Målfastsættelse:
Det skal være muligt at måle, om flere unge trives. Gruppen foreslog, at 80 % af de unge skal trives i 2028.
Indsatser:
Mere samarbejde med skolerne.

Tema 2: Bevægelse
Målfastsættelse:
Flere borgere skal bevæge sig 30 minutter om dagen i 2030.
Indsatser:
Stier og foreningsliv.

Opsamling
Forvaltningen samler op og vender tilbage med et udkast til politikken.
"""
    assert _goals(notes, fmt="text") == []
