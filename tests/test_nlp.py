"""The spaCy layer: blank Danish pipeline, rule components, goal cues and verdict sentences."""

from __future__ import annotations

from models.records import DocLine, Verdict
from parsers.extract.goals import cue_goals
from parsers.extract.nlp import analyse, get_nlp


def test_pipeline_is_blank_danish_with_rule_components() -> None:
    nlp = get_nlp()
    assert nlp.lang == "da"
    assert nlp.pipe_names == ["sentencizer", "maalspor_goal_cues", "maalspor_verdicts"]


def test_sentences_keep_danish_abbreviations_together() -> None:
    sents = analyse("Udgiften var ca. 3,5 mio. kr. i 2024. Målet er nået.")
    assert [s[0] for s in sents] == ["Udgiften var ca. 3,5 mio. kr. i 2024.", "Målet er nået."]
    assert sents[1][2] and not sents[0][2]


def test_verdict_sentences_in_their_inflections() -> None:
    for sentence in ("Målet blev ikke nået i 2024.", "Målsætningen forventes opfyldt.", "Målet er udgået.",
                     "Det er endnu for tidligt at følge op.", "Det er ikke muligt at opgøre det."):
        assert analyse(sentence)[0][2], sentence
    assert not analyse("Vi når langt med indsatsen.")[0][2]


def _lines(*texts: str, italic: bool = False) -> list[DocLine]:
    out, pos = [], 0
    for t in texts:
        out.append(DocLine(text=t, page=1, start=pos, end=pos + len(t), italic=italic))
        pos += len(t) + 1
    return out


def test_skal_sentence_closed_by_verdict_is_a_goal() -> None:
    (goal,) = cue_goals(_lines("Alle borgere skal have en plan inden 4 uger. I 2024 havde 81 % en plan. "
                               "Målet er dermed ikke nået."))
    assert goal.text == "Alle borgere skal have en plan inden 4 uger."
    assert goal.status_text == "I 2024 havde 81 % en plan." and goal.verdict is Verdict.not_met


def test_skal_sentence_without_verdict_is_left_alone() -> None:
    assert cue_goals(_lines("Borgeren skal selv søge om ydelsen. Det sker digitalt.")) == []


def test_italic_goal_sentence() -> None:
    lines = _lines("Ledigheden falder med 200 personer i 2025.", italic=True) + _lines("Målet forventes nået.")
    lines[1] = lines[1].model_copy(update={"start": lines[0].end + 1, "end": lines[0].end + 22})
    (goal,) = cue_goals(lines)
    assert goal.verdict is Verdict.expected_met and "(italic)" in goal.confidence_reasons[0]
