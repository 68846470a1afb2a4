"""Write the fictional demo documents for "Eksempel Kommune" into data/raw/.

`make run` ingests data/raw/, so a fresh checkout needs a few documents to show the pipeline
end to end. Real minutes cannot be shipped (their text is not ours), so every sentence here is
invented; only the *layouts* imitate what the parsers meet in the wild:

* three FirstAgenda-style PDFs from a Beskæftigelsesudvalg (running header, "Side N af M"
  footer, table of contents with dotted leaders, "Punkt N: titel", case numbers, the usual
  Resumé/Indstilling/Beslutning/... sections, a closed item, and a ruled goal follow-up table
  whose declared summary deliberately disagrees with the table in the 2024 edition);
* a prose status note (.txt), Markdown-like minutes (.md) and eDoc-like HTML minutes, written by
  hand and kept directly in data/raw/ (they are their own source; this script leaves them alone).

The PDFs are rendered with fpdf2 and the DejaVu fonts, with fixed metadata and creation dates,
so rerunning the script gives byte-identical files and git only shows real content changes.

Usage: .venv/bin/python scripts/make_demo.py [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "raw"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
FONT = "DejaVu"

MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)
WEEKDAYS = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")

# Page geometry (mm). A4 with margins close to what FirstAgenda exports use.
LEFT, RIGHT, TOP, BOTTOM = 22.0, 20.0, 22.0, 20.0
BODY_PT, SECTION_PT, ITEM_PT, TITLE_PT, SMALL_PT, TABLE_PT = 10, 12, 14, 15, 8, 9
LINE_H = 5.0


# --------------------------------------------------------------------------- document model


@dataclass(frozen=True)
class Goal:
    """One row group of a follow-up table: the goal, its status and the verdict."""

    gid: str
    title: str
    text: str
    status: str
    verdict: str


@dataclass(frozen=True)
class Theme:
    """A theme row spanning the table, grouping the goals under it."""

    name: str
    goals: tuple[Goal, ...]


@dataclass(frozen=True)
class GoalTable:
    """A ruled two-column follow-up table, as councils get it for a Beskæftigelsesplan."""

    caption: str
    themes: tuple[Theme, ...]


Block = str | GoalTable


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Item:
    number: int
    title: str
    case: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Meeting:
    filename: str
    committee: str
    date: dt.date
    time: str
    place: str
    participants: tuple[str, ...]
    absent: tuple[str, ...]
    items: tuple[Item, ...]


def paras(text: str) -> tuple[str, ...]:
    """Split a triple-quoted block into paragraphs (blank-line separated, inner newlines joined).

    Keeps the long Danish sentences readable in the source without tripping the line-length lint.
    """
    out = []
    for chunk in text.strip().split("\n\n"):
        joined = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if joined:
            out.append(joined)
    return tuple(out)


def sec(heading: str, *blocks: str | GoalTable) -> Section:
    """A section whose string blocks may each hold several paragraphs."""
    flat: list[Block] = []
    for block in blocks:
        if isinstance(block, GoalTable):
            flat.append(block)
        else:
            flat.extend(paras(block))
    return Section(heading, tuple(flat))


def dagsorden(number: int, absent: str, year: int) -> Item:
    """The 'Godkendelse af dagsorden' item every FirstAgenda meeting opens with."""
    return Item(
        number,
        "Godkendelse af dagsorden",
        f"00.22.00-A00-1-{year % 100:02d}",
        (
            sec("Beslutning", f"Godkendt.\n\n{absent} havde meldt afbud."),
            sec("Sagsfremstilling", "Godkendelse af dagsorden."),
        ),
    )


# --------------------------------------------------------------------------- demo content

PARTICIPANTS_2024 = (
    "Anne Kirstine Holm", "Torben Lykke", "Søren Mathiasen", "Lone Bach Pedersen",
    "Rasmus Ørsted Nielsen", "Mette Kjærgaard",
)

MEETING_2024_03 = Meeting(
    filename="eksempel_beskaeftigelsesudvalget_2024-03-12.pdf",
    committee="Beskæftigelsesudvalget",
    date=dt.date(2024, 3, 12),
    time="16:00",
    place="Rådhuset, mødelokale 2",
    participants=PARTICIPANTS_2024[:5],
    absent=("Mette Kjærgaard",),
    items=(
        dagsorden(14, "Mette Kjærgaard", 2024),
        Item(15, "Ledighedsudviklingen i januar 2024", "15.00.00-A00-3-24", (
            sec("Resumé", """
                Udvalget orienteres hver måned om udviklingen i ledigheden og i antallet af
                borgere på offentlig forsørgelse. I januar 2024 steg bruttoledigheden en smule,
                hvilket svarer til det sædvanlige sæsonmønster efter årsskiftet.
            """),
            sec("Indstilling", """
                Jobcenterchefen indstiller til Beskæftigelsesudvalget,

                1. at orienteringen om ledighedsudviklingen tages til efterretning.
            """),
            sec("Beslutning", "1. Taget til efterretning."),
            sec("Sagsfremstilling", """
                Bruttoledigheden i Eksempel Kommune udgjorde i januar 2024 i alt 1.146
                fuldtidspersoner, svarende til 3,1 % af arbejdsstyrken. Det er 58 flere end i
                december 2023 og 21 færre end i januar året før.

                Stigningen fra december til januar ses hvert år og skyldes især, at
                sæsonansatte inden for bygge og anlæg samt hotel og restauration melder sig
                ledige i vintermånederne. Jobcentret forventer, at ledigheden igen falder fra
                april.

                Antallet af borgere på sygedagpenge var 612 fuldtidspersoner i januar, hvilket
                er på niveau med samme måned sidste år.
            """),
            sec("Økonomi", "Orienteringen har ingen økonomiske konsekvenser."),
            sec("Bilag", "Ledighedsstatistik januar 2024"),
        )),
        Item(16, "Projekt \"Vejen til job\" – ansøgning om puljemidler", "15.20.00-A00-7-24", (
            sec("Resumé", """
                Jobcentret ønsker at søge statslige puljemidler til et toårigt projekt, hvor
                borgere, der har modtaget kontanthjælp i mere end tre år, får en fast
                kontaktperson og tilbydes forløb hos lokale virksomheder.
            """),
            sec("Indstilling", """
                Jobcenterchefen indstiller til Beskæftigelsesudvalget,

                1. at jobcentret søger puljemidler til projekt "Vejen til job",

                2. at udvalget orienteres om resultatet af ansøgningen, når svaret foreligger.
            """),
            sec("Beslutning", "1.-2. Godkendt."),
            sec("Sagsfremstilling", """
                Der er i Eksempel Kommune omkring 310 borgere, som har modtaget kontanthjælp i
                mere end tre år. Mange af dem har helbredsmæssige eller sociale udfordringer ud
                over ledigheden, og erfaringen er, at de har brug for en tættere og mere
                vedvarende kontakt, end den almindelige indsats kan give.

                Projektet skal give 120 borgere en fast kontaktperson, der både hjælper med
                praktiske forhold og tager kontakten til virksomhederne. Forløbene tilrettelægges,
                så borgeren gradvist øger antallet af timer på arbejdspladsen.

                Målsætningen er, at 40 borgere kommer i job i løbet af 2024. Derudover er det
                målet, at mindst 25 borgere har ordinære løntimer på minimum 10 timer om ugen ved
                projektets afslutning i 2025.

                Projektet evalueres løbende, og udvalget får en status på målene ved udgangen af
                2024.
            """),
            sec("Økonomi", """
                Projektet har et samlet budget på 3,2 mio. kr. over to år, som forventes
                finansieret fuldt ud af puljemidlerne. Der er ikke krav om kommunal
                medfinansiering.
            """),
            sec("Bilag", "Udkast til projektbeskrivelse"),
        )),
        Item(17, "Lukket: Køb af grund", "02.34.02-G01-2-24", (
            sec("Beslutning", "Indstillingen blev godkendt."),
        )),
        Item(18, "Budgetopfølgning pr. 29. februar 2024", "00.30.14-S00-1-24", (
            sec("Resumé", """
                Forvaltningen har gennemført den første budgetopfølgning for 2024 på udvalgets
                område. Der forventes samlet et mindreforbrug på 1,8 mio. kr. på
                indkomstoverførslerne, mens serviceudgifterne forventes at holde budgettet.
            """),
            sec("Indstilling", """
                Direktøren for Arbejdsmarked og Borgerservice indstiller til
                Beskæftigelsesudvalget,

                1. at budgetopfølgningen godkendes og sendes videre til Økonomiudvalget.
            """),
            sec("Beslutning", "1. Godkendt."),
            sec("Sagsfremstilling", """
                Mindreforbruget skyldes primært, at færre borgere end budgetteret modtager
                kontanthjælp. Til gengæld er udgifterne til ressourceforløb steget, fordi flere
                borgere er overgået fra jobafklaring.

                Forvaltningen følger udviklingen tæt og vender tilbage med en ny opfølgning i
                juni.
            """),
            sec("Økonomi", "Der søges ikke om tillægsbevillinger i forbindelse med denne budgetopfølgning."),
            sec("Bilag", "Budgetopfølgning pr. 29. februar 2024"),
        )),
    ),
)

THEME_1 = "Flere ledige skal i job"
THEME_2 = "Flere unge skal i uddannelse"
THEME_3 = "Flere borgere på kanten af arbejdsmarkedet skal tættere på job"
TITLE_11 = "Fokusmål samtaler"
TITLE_12 = "Virksomhedsrettede tilbud"
TITLE_21 = "Unge i uddannelse"
TITLE_22 = "Voksenlærlinge"
TITLE_31 = "Ansættelser på særlige vilkår med Eksempel Kommune som arbejdsgiver"
TITLE_32 = "Ny plan i langvarige sager"

# 2024 table: 2 nået, 3 endnu ikke nået, 1 for tidligt. The prose summary above the table says
# 3 / 2 / 1 on purpose, so the tool has a mismatch to flag.
TABLE_2024 = GoalTable(
    caption="Opfølgning på mål i Eksempel Kommunes Beskæftigelsesplan 2024",
    themes=(
        Theme(THEME_1, (
            Goal("1.1", TITLE_11,
                 "At mindst 80 % af borgerne har deltaget i mindst 4 samtaler de sidste 12 måneder.",
                 "I juni 2024 havde 84,2 % af borgerne i målgruppen deltaget i mindst 4 samtaler "
                 "inden for de seneste 12 måneder. I december 2023 var andelen 79,6 %.",
                 "Målet er nået ved denne opfølgning."),
            Goal("1.2", TITLE_12,
                 "At virksomhedsrettede tilbud udgør mindst 45 % af alle tilbud til ledige.",
                 "I første halvår 2024 udgjorde virksomhedsrettede tilbud 39,5 % af alle tilbud. "
                 "Andelen er steget fra 36,1 % i 2023.",
                 "Målet er endnu ikke nået ved denne opfølgning."),
        )),
        Theme(THEME_2, (
            Goal("2.1", TITLE_21,
                 "At mindst 55 % af de uddannelsesparate unge under 30 år er begyndt på en "
                 "uddannelse inden for 12 måneder.",
                 "Opgørelsen for perioden juli 2023 til juni 2024 viser, at 57,8 % af de "
                 "uddannelsesparate unge er begyndt på en uddannelse.",
                 "Målet er nået ved denne opfølgning."),
            Goal("2.2", TITLE_22,
                 "At der i løbet af 2024 indgås mindst 60 aftaler om voksenlærlingeforløb.",
                 "Pr. 30. juni 2024 er der indgået 22 aftaler om voksenlærlingeforløb.",
                 "Målet er endnu ikke nået ved denne opfølgning."),
        )),
        Theme(THEME_3, (
            Goal("3.1", TITLE_31,
                 "At Eksempel Kommune som arbejdsgiver har mindst 120 medarbejdere ansat i "
                 "fleksjob eller på andre særlige vilkår ved udgangen af 2024.",
                 "Ved opgørelsen 1. juli 2024 var 104 medarbejdere ansat på særlige vilkår i "
                 "kommunens forvaltninger og institutioner.",
                 "Målet er endnu ikke nået ved denne opfølgning."),
            Goal("3.2", TITLE_32,
                 "At alle borgere med mere end 5 års sammenhængende offentlig forsørgelse har "
                 "fået en ny plan inden udgangen af 2024.",
                 "Gennemgangen af sagerne begynder i oktober 2024, og der foreligger derfor endnu "
                 "ikke data.",
                 "Det er for tidligt at følge op på målet."),
        )),
    ),
)

MEETING_2024_09 = Meeting(
    filename="eksempel_beskaeftigelsesudvalget_2024-09-10.pdf",
    committee="Beskæftigelsesudvalget",
    date=dt.date(2024, 9, 10),
    time="16:00",
    place="Rådhuset, mødelokale 2",
    participants=PARTICIPANTS_2024[:3] + PARTICIPANTS_2024[4:],
    absent=("Lone Bach Pedersen",),
    items=(
        dagsorden(50, "Lone Bach Pedersen", 2024),
        Item(51, "Ledighedsudviklingen i juli 2024", "15.00.00-A00-3-24", (
            sec("Resumé", """
                Bruttoledigheden faldt i juli 2024 til 2,7 % af arbejdsstyrken. Faldet er især
                sket blandt dagpengemodtagere under 30 år.
            """),
            sec("Indstilling", """
                Jobcenterchefen indstiller til Beskæftigelsesudvalget,

                1. at orienteringen om ledighedsudviklingen tages til efterretning.
            """),
            sec("Beslutning", "1. Taget til efterretning."),
            sec("Sagsfremstilling", """
                I juli 2024 var 998 fuldtidspersoner ledige i Eksempel Kommune. Det er 64 færre
                end i juli 2023. Faldet skyldes blandt andet, at flere unge er kommet i
                sommerjob inden for turisme og detailhandel.

                Antallet af borgere i ressourceforløb er steget svagt til 287 helårspersoner,
                mens antallet af borgere på kontanthjælp er faldet til 702.
            """),
            sec("Økonomi", "Orienteringen har ingen økonomiske konsekvenser."),
            sec("Bilag", "Ledighedsstatistik juli 2024"),
        )),
        Item(52, "Opfølgning på mål i Beskæftigelsesplan 2024", "15.00.00-P22-1-23", (
            sec("Resumé", """
                Kommunalbestyrelsen vedtog i december 2023 Beskæftigelsesplan 2024 med seks
                lokale mål fordelt på tre temaer. Udvalget får her status på målene efter
                første halvår.
            """),
            sec("Indstilling", """
                Jobcenterchefen indstiller til Beskæftigelsesudvalget,

                1. at status på målene i Beskæftigelsesplan 2024 tages til efterretning,

                2. at udvalget drøfter, om der skal sættes yderligere initiativer i gang for de
                mål, der endnu ikke er nået.
            """),
            sec("Beslutning", """
                1. Taget til efterretning.

                2. Udvalget ønsker en særskilt sag om voksenlærlinge på mødet i november.
            """),
            sec("Sagsfremstilling", """
                Beskæftigelsesplanen indeholder både mål, som beskæftigelsesministeren har
                udmeldt, og lokale mål, som udvalget selv har prioriteret. Opfølgningen bygger
                på data fra jobindsats.dk og kommunens egne systemer og dækker perioden frem til
                og med juni 2024.

                Som det fremgår af tabellen, er status: 3 mål er nået, 2 mål er endnu ikke nået,
                1 mål er det for tidligt at følge op på.
            """, TABLE_2024, """
                Forvaltningen vurderer, at især målet om voksenlærlinge bliver vanskeligt at
                indfri, fordi mange virksomheder afventer de nye tilskudsregler.
            """),
            sec("Økonomi", "Sagen har ingen økonomiske konsekvenser."),
            sec("Bilag", "Beskæftigelsesplan 2024"),
        )),
        Item(53, "Orientering om rekrutteringsindsats i ældreplejen", "15.20.00-G01-5-24", (
            sec("Resumé", """
                Jobcentret og Sundheds- og Omsorgsforvaltningen har indgået et samarbejde om at
                rekruttere ledige til ældreplejen. Udvalget orienteres om de første erfaringer.
            """),
            sec("Indstilling", """
                Jobcenterchefen indstiller til Beskæftigelsesudvalget,

                1. at orienteringen tages til efterretning.
            """),
            sec("Beslutning", "1. Taget til efterretning."),
            sec("Sagsfremstilling", """
                Siden april 2024 har 46 ledige deltaget i et kort introduktionsforløb på et af
                kommunens plejecentre. 17 af dem er efterfølgende blevet ansat som
                afløsere, og 6 er begyndt på social- og sundhedshjælperuddannelsen.

                Samarbejdet fortsætter i 2025, hvor det udvides til også at omfatte
                hjemmeplejen.
            """),
            sec("Økonomi", "Indsatsen afholdes inden for jobcentrets eksisterende budget."),
            sec("Bilag", "Ingen bilag."),
        )),
    ),
)

# 2025 table: same ids and titles as 2024, new targets, statuses and verdicts. The prose summary
# above it is correct, so it doubles as a "no false positive" case for the mismatch check.
TABLE_2025 = GoalTable(
    caption="Opfølgning på mål i Eksempel Kommunes Beskæftigelsesplan 2025",
    themes=(
        Theme(THEME_1, (
            Goal("1.1", TITLE_11,
                 "At mindst 85 % af borgerne har deltaget i mindst 4 samtaler inden for de "
                 "seneste 12 måneder.",
                 "I juni 2025 havde 86,9 % af borgerne i målgruppen deltaget i mindst 4 samtaler "
                 "inden for de seneste 12 måneder.",
                 "Målet er nået."),
            Goal("1.2", TITLE_12,
                 "At virksomhedsrettede tilbud udgør mindst 45 % af alle tilbud til ledige.",
                 "I første halvår 2025 udgjorde virksomhedsrettede tilbud 41,2 % af alle tilbud.",
                 "Målet er ikke nået."),
        )),
        Theme(THEME_2, (
            Goal("2.1", TITLE_21,
                 "At mindst 58 % af de uddannelsesparate unge under 30 år er begyndt på en "
                 "uddannelse inden for 12 måneder.",
                 "Opgørelsen for perioden juli 2024 til juni 2025 viser 56,4 %. Optaget på "
                 "erhvervsuddannelserne i august ventes at løfte andelen over målet.",
                 "Målet forventes nået."),
            Goal("2.2", TITLE_22,
                 "At der i løbet af 2025 indgås mindst 60 aftaler om voksenlærlingeforløb.",
                 "Reglerne for tilskud til voksenlærlinge blev ændret 1. januar 2025, og udvalget "
                 "besluttede i februar 2025 at tage målet ud af planen.",
                 "Målet er udgået."),
        )),
        Theme(THEME_3, (
            Goal("3.1", TITLE_31,
                 "At Eksempel Kommune som arbejdsgiver har mindst 125 medarbejdere ansat i "
                 "fleksjob eller på andre særlige vilkår ved udgangen af 2025.",
                 "Ved opgørelsen 1. juli 2025 var 111 medarbejdere ansat på særlige vilkår.",
                 "Målet er ikke nået."),
            Goal("3.2", TITLE_32,
                 "At alle borgere med mere end 5 års sammenhængende offentlig forsørgelse har "
                 "fået en ny plan inden for 6 måneder.",
                 "Kommunen skiftede fagsystem i foråret 2025, og antallet af nye planer kan "
                 "derfor ikke opgøres pålideligt for perioden.",
                 "Det er ikke muligt at følge op på målet."),
        )),
    ),
)

MEETING_2025_09 = Meeting(
    filename="eksempel_beskaeftigelsesudvalget_2025-09-09.pdf",
    committee="Beskæftigelsesudvalget",
    date=dt.date(2025, 9, 9),
    time="16:00",
    place="Rådhuset, mødelokale 2",
    participants=PARTICIPANTS_2024[:2] + PARTICIPANTS_2024[3:],
    absent=("Søren Mathiasen",),
    items=(
        dagsorden(47, "Søren Mathiasen", 2025),
        Item(48, "Opfølgning på mål i Beskæftigelsesplan 2025", "15.00.00-P22-1-24", (
            sec("Resumé", """
                Beskæftigelsesplan 2025 viderefører de seks lokale mål fra 2024, dog med
                justerede måltal for to af dem. Udvalget får her status efter første halvår
                2025.
            """),
            sec("Indstilling", """
                Jobcenterchefen indstiller til Beskæftigelsesudvalget,

                1. at status på målene i Beskæftigelsesplan 2025 tages til efterretning.
            """),
            sec("Beslutning", """
                1. Taget til efterretning.

                Udvalget bad forvaltningen om at genoptage opgørelsen af mål 3.2, så snart data
                fra det nye fagsystem er på plads.
            """),
            sec("Sagsfremstilling", """
                Opfølgningen dækker perioden frem til og med juni 2025 og bygger på data fra
                jobindsats.dk og kommunens egne registreringer.

                Som det fremgår af tabellen, er status: 1 mål er nået, 2 mål er ikke nået, 1 mål
                forventes nået, 1 mål er udgået, og for 1 mål er det ikke muligt at følge op.
            """, TABLE_2025, """
                Målene i Beskæftigelsesplan 2026 fastlægges på udvalgets møde i november, hvor
                resultaterne fra denne opfølgning indgår.
            """),
            sec("Økonomi", "Sagen har ingen økonomiske konsekvenser."),
            sec("Bilag", "Beskæftigelsesplan 2025"),
        )),
        Item(49, "Ledighedsudviklingen i juli 2025", "15.00.00-A00-3-25", (
            sec("Resumé", """
                Ledigheden i Eksempel Kommune var i juli 2025 på 2,9 % af arbejdsstyrken, en
                lille stigning i forhold til samme måned sidste år.
            """),
            sec("Indstilling", """
                Jobcenterchefen indstiller til Beskæftigelsesudvalget,

                1. at orienteringen om ledighedsudviklingen tages til efterretning.
            """),
            sec("Beslutning", "1. Taget til efterretning."),
            sec("Sagsfremstilling", """
                I juli 2025 var 1.041 fuldtidspersoner ledige. Stigningen i forhold til juli 2024
                skyldes især afskedigelser i fremstillingsindustrien i foråret.

                Jobcentret har oprettet et særligt team, der tager kontakt til de berørte
                medarbejdere allerede i opsigelsesperioden.
            """),
            sec("Økonomi", "Orienteringen har ingen økonomiske konsekvenser."),
            sec("Bilag", "Ledighedsstatistik juli 2025"),
        )),
    ),
)

MEETINGS = (MEETING_2024_03, MEETING_2024_09, MEETING_2025_09)


# --------------------------------------------------------------------------- rendering


def require_fonts() -> dict[str, Path]:
    """Fail early and clearly: without DejaVu the Danish letters (æ, ø, å) cannot be embedded."""
    paths = {style: FONT_DIR / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        sys.exit(
            "make_demo: missing DejaVu font file(s): " + ", ".join(missing)
            + "\nInstall them (Debian/Ubuntu: apt-get install fonts-dejavu-core) and rerun."
        )
    return paths


def dmy(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


class MinutesPDF(FPDF):
    """FPDF with the FirstAgenda running header and 'Side N af M' footer on every page."""

    def __init__(self, running_header: str, fonts: dict[str, Path]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_header = running_header
        for style, path in fonts.items():
            self.add_font(FONT, style, str(path))
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font(FONT, "", SMALL_PT)
        self.set_xy(LEFT, 10)
        self.cell(0, 4, self.running_header)
        self.set_xy(LEFT, TOP)

    def footer(self) -> None:
        self.set_font(FONT, "", SMALL_PT)
        self.set_y(-14)
        self.cell(0, 4, f"Side {self.page_no()} af {{nb}}", align="R")

    # -- helpers ----------------------------------------------------------------------

    def room_left(self) -> float:
        return self.page_break_trigger - self.get_y()

    def keep(self, needed: float) -> None:
        """Start a new page unless `needed` mm remain, so headings never end a page."""
        if self.room_left() < needed:
            self.add_page()

    def para(self, text: str, size: float = BODY_PT, style: str = "", after: float = 2.0) -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, LINE_H if size <= BODY_PT else size * 0.5, text, align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(after)


def _toc_line(pdf: MinutesPDF, title: str, page: int) -> None:
    """Title, dotted leader and right-aligned page number on one line."""
    pdf.set_font(FONT, "", BODY_PT)
    number = str(page)
    num_w = pdf.get_string_width(number) + 1
    text = title + " "
    free = pdf.epw - num_w - pdf.get_string_width(text) - 2
    if free < 10:
        raise ValueError(f"TOC title too long for one line: {title!r}")
    text += "." * int(free / pdf.get_string_width("."))
    pdf.cell(pdf.epw - num_w, 5.5, text)
    pdf.cell(num_w, 5.5, number, align="R", new_x="LMARGIN", new_y="NEXT")


# A table cell as drawn: text, bold?, shaded?, colspan.
Cell = tuple[str, bool, bool, int]
TABLE_COLS = (52.0, 116.0)
TABLE_LINE_H, TABLE_PAD = 4.4, 1.6


def _table_groups(table: GoalTable) -> list[list[tuple[Cell, ...]]]:
    """Rows grouped so a goal's three rows (and the caption/theme row above it) stay together."""
    groups: list[list[tuple[Cell, ...]]] = []
    lead: list[tuple[Cell, ...]] = [((table.caption, True, False, 2),)]
    for theme in table.themes:
        lead.append(((theme.name, True, True, 2),))
        for goal in theme.goals:
            groups.append(lead + [
                ((f"Mål {goal.gid} – {goal.title}", True, False, 1), (goal.text, False, False, 1)),
                (("Status", False, False, 1), (goal.status, False, False, 1)),
                (("Målopfyldelse", False, False, 1), (goal.verdict, False, False, 1)),
            ])
            lead = []
    return groups


def _group_height(pdf: MinutesPDF, rows: list[tuple[Cell, ...]]) -> float:
    """Height the rows will take, measured with the same wrapping fpdf2 uses when drawing them."""
    total = 0.0
    for row in rows:
        tallest = 1
        col = 0
        for text, bold, _shaded, span in row:
            width = sum(TABLE_COLS[col:col + span]) - 2 * TABLE_PAD
            col += span
            pdf.set_font(FONT, "B" if bold else "", TABLE_PT)
            lines = pdf.multi_cell(width, TABLE_LINE_H, text, dry_run=True, output="LINES")
            tallest = max(tallest, len(lines))
        total += tallest * TABLE_LINE_H + 2 * TABLE_PAD
    return total


def _goal_table(pdf: MinutesPDF, table: GoalTable) -> None:
    """Ruled table (every cell bordered) so pdfplumber's line strategy finds rows and cells.

    Drawn as one fpdf2 table per goal group, back to back: the shared borders make pdfplumber
    see one table per page, and a group never breaks across pages, so a theme row is never
    stranded at the foot of a page away from its goals.
    """
    plain = FontFace(emphasis="")
    bold = FontFace(emphasis="BOLD")
    shaded = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
    for rows in _table_groups(table):
        pdf.keep(_group_height(pdf, rows) + 1)
        pdf.set_font(FONT, "", TABLE_PT)
        with pdf.table(
            col_widths=TABLE_COLS, width=sum(TABLE_COLS), align="LEFT", text_align="LEFT",
            v_align="TOP", first_row_as_headings=False, borders_layout="ALL",
            line_height=TABLE_LINE_H, padding=TABLE_PAD,
        ) as tbl:
            for row in rows:
                out = tbl.row()
                for text, is_bold, is_shaded, span in row:
                    out.cell(text, colspan=span, style=shaded if is_shaded else bold if is_bold else plain)
    pdf.ln(3)


def render(
    meeting: Meeting, fonts: dict[str, Path], toc_pages: dict[int, int]
) -> tuple[MinutesPDF, dict[int, int]]:
    """Lay out one meeting; returns the PDF and the page each item starts on (for the TOC)."""
    date = dmy(meeting.date)
    pdf = MinutesPDF(f"Referat - {meeting.committee} {date}", fonts)
    pdf.set_title(f"Referat - {meeting.committee} {date}")
    pdf.set_author("Eksempel Kommune")
    pdf.set_subject(f"Referat af møde i {meeting.committee}, Eksempel Kommune (fiktivt demodokument)")
    pdf.set_keywords("maalspor demo, fiktiv")
    pdf.set_creator("maalspor scripts/make_demo.py")
    pdf.set_producer("fpdf2")
    pdf.set_lang("da")
    # Fixed: "published" two days after the meeting, so reruns are byte-identical.
    published = dt.datetime.combine(meeting.date + dt.timedelta(days=2), dt.time(9, 0), dt.UTC)
    pdf.set_creation_date(published)
    pdf.add_page()

    pdf.para(f"REFERAT {meeting.committee} d. {date}", size=TITLE_PT, style="B", after=4)
    d = meeting.date
    meta = (
        ("Mødedato", f"{WEEKDAYS[d.weekday()]} d. {d.day:02d}. {MONTHS[d.month - 1]} {d.year} "
                     f"kl. {meeting.time}"),
        ("Mødested", meeting.place),
        ("Mødedeltagere", ", ".join(meeting.participants)),
        ("Afbud", ", ".join(meeting.absent)),
    )
    for label, value in meta:
        pdf.set_font(FONT, "B", BODY_PT)
        pdf.cell(36, LINE_H, label)
        pdf.set_font(FONT, "", BODY_PT)
        pdf.multi_cell(0, LINE_H, value, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    pdf.ln(3)

    pdf.para("Indholdsfortegnelse", size=ITEM_PT, style="B", after=1)
    for item in meeting.items:
        _toc_line(pdf, item.title, toc_pages.get(item.number, 0))
    pdf.ln(6)

    starts: dict[int, int] = {}
    for item in meeting.items:
        pdf.keep(40)
        starts[item.number] = pdf.page_no()
        pdf.para(f"Punkt {item.number}: {item.title}", size=ITEM_PT, style="B", after=1)
        pdf.para(item.case, after=3)
        for section in item.sections:
            pdf.keep(18)
            pdf.para(section.heading, size=SECTION_PT, style="B", after=1)
            for block in section.blocks:
                if isinstance(block, GoalTable):
                    _goal_table(pdf, block)
                else:
                    pdf.para(block)
            pdf.ln(1)
        pdf.ln(4)
    return pdf, starts


def build_pdf(meeting: Meeting, fonts: dict[str, Path]) -> bytes:
    """Two passes: the first finds where items start, the second prints those pages in the TOC."""
    _, starts = render(meeting, fonts, {})
    pdf, again = render(meeting, fonts, starts)
    if again != starts:  # TOC numbers cannot move layout (fixed-width leaders), but check anyway
        raise RuntimeError(f"{meeting.filename}: item pages moved between passes: {starts} -> {again}")
    return bytes(pdf.output())


def write(out: Path, name: str, data: bytes) -> None:
    """Write only when content changed, so file mtimes stay put on a no-op rerun."""
    path = out / name
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    print(f"{hashlib.sha256(data).hexdigest()[:16]}  {len(data):>7}  {path}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="target folder (default: data/raw)")
    args = parser.parse_args(argv)
    fonts = require_fonts()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for meeting in MEETINGS:
        write(out, meeting.filename, build_pdf(meeting, fonts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
