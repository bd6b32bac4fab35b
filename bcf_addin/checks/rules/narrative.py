"""Rules for the Word narrative return that goes with the Excel numerical return (`bcf narrative`).

They read a NarrativeContext (bcf_addin/narrative/context.py), not a workbook's CheckContext;
`bcf check` leaves this family out.
"""
from __future__ import annotations

from decimal import Decimal

from ...money import pounds
from ...narrative.context import AROUND, QUESTIONS, WORDS_IN_ALL, WORDS_PER_QUESTION
from ...narrative.document import Paragraph
from ...narrative.figures import Kind
from ...narrative.matching import CONFIRMED, DIFFERS
from ...narrative.structure import DETAILS
from ...narrative.totals import bad_totals
from ..findings import Severity
from ..rule import Rule

WHOLE = "Whole narrative"


def show(kind: Kind, value: Decimal) -> str:
    if kind is Kind.MONEY:
        return pounds(value)
    text = f"{value.normalize():f}"
    return {Kind.PERCENT: f"{text}%", Kind.RATE: f"{text} per 100,000", Kind.DAYS: f"{text} days"}[kind]


def _details(ctx, rule):
    if ctx.narrative.details is None:
        yield rule.finding(DETAILS, None, "The submission details table (HWB area, ICB) is missing.")
        return
    if not any(a.hwb for a in ctx.areas):
        yield rule.finding(DETAILS, "row 'HWB'", "The submission details name no HWB.")
    for a in ctx.areas:
        who = f"'{a.header}'" + (f" ({a.hwb})" if a.hwb else "")
        if not a.hwb:
            yield rule.finding(DETAILS, a.header, f"{who} is filled in but names no HWB.")
        if not a.icbs:
            yield rule.finding(DETAILS, a.header, f"{who} names no ICB.")
        if a.sign_off is not None and not a.sign_off:
            yield rule.finding(DETAILS, a.header, f"{who} does not say who signed the narrative off.")


def _unanswered(ctx, rule):
    by_number = {q.number: q for q in ctx.narrative.questions}
    for n in range(1, QUESTIONS + 1):
        q = by_number.get(n)
        if q is None:
            yield rule.finding(f"Question {n}", None, f"Question {n} is not in the narrative.")
        elif ctx.words(q) == 0:
            yield rule.finding(f"Question {n}", None, f"Question {n} is not answered.")


def _placeholders(ctx, rule):
    for item in ctx.narrative.placed:
        if isinstance(item.block, Paragraph):
            places = [(item.where, text) for text in item.block.placeholders]
        else:
            places = [(f"{item.where}, row {r + 1}", text) for r, text in item.block.placeholders]
        for where, text in places:
            yield rule.finding(item.section, where, f"'{text}' is still showing where an answer should be.")


def _words(ctx, rule):
    for q in ctx.narrative.questions:
        words = ctx.words(q)
        if words > WORDS_PER_QUESTION * AROUND:
            yield rule.finding(f"Question {q.number}", None,
                               f"Question {q.number}'s answer is {words:,} words; the guide is around "
                               f"{WORDS_PER_QUESTION} (a guide, not a limit).")
    total = ctx.total_words
    if total > WORDS_IN_ALL * AROUND:
        yield rule.finding(WHOLE, None, f"The answers come to {total:,} words; the guide is around "
                                        f"{WORDS_IN_ALL:,} in all (a guide, not a limit).")


def _matches(status):
    def check(ctx, rule):
        for m in ctx.matches:
            if m.status != status:
                continue
            f, t = m.figure, m.target
            theirs = f"{t.hwb}'s {t.label} ({show(t.kind, t.value)})"
            if status == CONFIRMED:
                more = f", and {m.also} more figure{'s' * (m.also != 1)} of the return" if m.also else ""
                yield rule.finding(f.section, f.where, f"{f.text} agrees with {theirs}{more}.")
            else:
                yield rule.finding(f.section, f.where, f"{f.text} is close to, but not, {theirs}.")
    return check


def _totals(ctx, rule):
    for item in ctx.narrative.placed:
        if isinstance(item.block, Paragraph):
            continue
        for b in bad_totals(item.block):
            yield rule.finding(item.section, f"{item.where}, row {b.row + 1}",
                               f"'{b.label}' {b.heading and f'({b.heading}) '}is {b.shown}, but the {b.count} "
                               f"rows above it add up to {b.added}.")


def _foreign_returns(ctx, rule):
    for r in ctx.returns:
        if not ctx.return_for_area(r):
            yield rule.finding(DETAILS, None,
                               f"{r.path} is the return for {r.hwb or 'no HWB'}, which the narrative does not "
                               f"name as an HWB area; its figures were not compared.")


DETAILS_INCOMPLETE = Rule(
    code="N801", name="narrative-details-incomplete", severity=Severity.ERROR,
    title="The narrative's submission details do not name each HWB area's HWB and ICB (and sign-off)",
    what="The submission details table has a column per HWB area; each area it covers names its HWB and at "
    "least one ICB, and, where the table has a sign-off row, who signed the narrative off.",
    why="The national team matches each narrative to the HWBs' numerical returns by these details, and a "
    "narrative covering several HWBs must be signed off by each.",
    example="'HWB area 1' says Leicestershire but every ICB row is empty.",
    fix="Fill in the HWB, ICB and sign-off rows for each HWB area the narrative covers.",
    check=_details)

UNANSWERED = Rule(
    code="N802", name="narrative-question-unanswered", severity=Severity.ERROR,
    title="A narrative question is missing or has no answer",
    what=f"Each of the {QUESTIONS} numbered questions is in the document, with text (or a table) after its "
    "'Please provide your response below' line.",
    why="Every question within the narrative return must be fully addressed.",
    example="Question 3's heading is followed straight by question 4.",
    fix="Write the answer below the question's response line.",
    check=_unanswered)

PLACEHOLDER = Rule(
    code="N803", name="narrative-placeholder", severity=Severity.ERROR,
    title="A content control or placeholder ('Choose an item.') is not filled in",
    what="Drop-downs, date pickers and text controls still showing their placeholder, and prompt texts "
    "such as 'Choose an item.' or 'Click or tap here to enter text.' left in the document.",
    why="An unfilled control shows its grey prompt in the submitted narrative: something was meant to be "
    "chosen or typed there.",
    example="The cover page's status drop-down still shows 'Choose an item.'.",
    fix="Click the control in Word and choose or type the answer, or delete the control.",
    check=_placeholders)

LENGTH = Rule(
    code="N804", name="narrative-length", severity=Severity.WARNING,
    title="An answer, or the whole narrative, is well over the guide's length",
    what=f"Words in each answer (tables included), counted as Word counts them, against the guide's around "
    f"{WORDS_PER_QUESTION} per question and {WORDS_IN_ALL:,} in all; more than a tenth over is reported. "
    "Never an error: the guidance says these are not strict limits.",
    why="The narrative was shortened for a more focused assurance; a long answer may bury what the "
    "assurer looks for.",
    example=f"Question 1's answer is 1,339 words against around {WORDS_PER_QUESTION}.",
    fix="Tighten the answer, or move detail into local plans the answer can refer to.",
    check=_words)

FIGURE_DIFFERS = Rule(
    code="N805", name="narrative-figure-differs", severity=Severity.WARNING,
    title="A figure the narrative quotes is close to a figure of the return, but different",
    what="Money, percentages, rates per 100,000 and days quoted in the narrative, against the figures of the "
    "return(s) given with --return (income, spend and balance per funding source, totals, minimum "
    "spend, scheme lines): one digit changed, two digits swapped, or (against a total) within 1%.",
    why="The narrative should align with the expenditure plans in the numerical return; a near miss is "
    "usually a typo or a figure from an older version of the return.",
    example="The narrative says the pooled budget is £84.3m; the return's total income is £84,413,542.",
    fix="Correct the narrative (or the return), so both quote the same figure.",
    check=_matches(DIFFERS))

TABLE_TOTAL = Rule(
    code="N806", name="narrative-table-total", severity=Severity.WARNING,
    title="A table in the narrative has a total that is not the sum of the rows above it",
    what="In each table, a row labelled 'Total...' against the sum of the figures above it in the same "
    "column, allowing half a unit of the precision quoted for each figure added (rounding).",
    why="A total that does not add up undermines the figures around it, and the assurer will notice.",
    example="Table 1's 'Total activity' for 24-25 is 26644 but its rows add up to 23,801.",
    fix="Correct the total, or add the rows it counts that the table leaves out.",
    check=_totals)

FIGURE_CONFIRMED = Rule(
    code="N807", name="narrative-figure-confirmed", severity=Severity.INFO,
    title="A figure the narrative quotes agrees with a figure of the return",
    what="A quoted figure that, at the precision quoted, equals a figure of the return (a rounded amount "
    "such as £86.5m is held to the totals and funding-source figures, not to scheme lines).",
    why="Shows which of the narrative's figures are borne out by the return, so only the rest need a look.",
    example="£150,000 agrees with Leicestershire's scheme 36 'Whzan Boxes' (£150,000).",
    fix="Nothing to fix; check it is the figure the sentence means.",
    check=_matches(CONFIRMED))

FOREIGN_RETURN = Rule(
    code="N808", name="narrative-return-not-covered", severity=Severity.ERROR,
    title="A return given with the narrative is for an HWB the narrative does not cover",
    what="Each --return's HWB (the one chosen on its cover) is one of the HWB areas named in the "
    "narrative's submission details.",
    why="A narrative is checked against its own HWBs' returns; another HWB's figures would confirm or "
    "contradict nothing.",
    example="The narrative covers Leicestershire; the return given is Rutland's.",
    fix="Give the return of each HWB the narrative covers, or add the HWB to the submission details.",
    check=_foreign_returns)

RULES = (DETAILS_INCOMPLETE, UNANSWERED, PLACEHOLDER, LENGTH, FIGURE_DIFFERS, TABLE_TOTAL, FIGURE_CONFIRMED,
         FOREIGN_RETURN)
