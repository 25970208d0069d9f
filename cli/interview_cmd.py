"""``maturity interview``: an adaptive interview in the terminal that saves every answer into the fact file.

The engine (:mod:`mlops_maturity.engine.interview`) chooses the questions and writes the new text of the fact file;
this module reads the answers, shows the questions and rubrics, and writes the file atomically after every answer.
Running it again on the same file continues where it stopped: what is saved is never asked again.
"""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from mlops_maturity.cli.common import KbOption, TargetOption, app, handle_errors
from mlops_maturity.cli.output import write_output

if TYPE_CHECKING:
    from mlops_maturity.engine.interview import Question

WIDTH = 100
HELP = "FI, LI, PI, NI, NY, NA (not applicable), ? full rubric, s skip, q save and quit"
MEANINGS = {
    "FI": "fully implemented", "LI": "largely implemented", "PI": "partially implemented", "NI": "not implemented",
}


def say(text: str = "") -> None:
    """One line (or block) to the terminal."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def ask(prompt: str) -> str:
    """Read one answer; end of input reads as ``q``."""
    try:
        return input(prompt).strip()
    except EOFError:
        say()
        return "q"


def _wrapped(text: str, indent: str = "    ") -> str:
    return textwrap.fill(" ".join(text.split()), width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def _short(text: str, room: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _show_question(number: int, question: Question) -> None:
    q = question
    role = f" (ask: {q.role}" + (f"; also {', '.join(q.also_ask)}" if q.also_ask else "") + ")" if q.role else ""
    say()
    say(f"[{number}] {q.practice}: {q.name}{role}")
    say(_wrapped(f"Why now: {q.why}."))
    for text in q.questions:
        say(_wrapped(f"Q: {text}"))
    if q.rubric:
        for level in ("FI", "LI", "PI", "NI"):
            say(f"    {level}: {_short(q.rubric[level], WIDTH - 8)}")
    else:
        say("    (no rubric in the knowledge base: " + ", ".join(f"{k} {v}" for k, v in MEANINGS.items()) + ")")


def _show_full(question: Question) -> None:
    q = question
    say(_wrapped(f"What it is: {q.description}"))
    if q.rubric:
        for level in ("FI", "LI", "PI", "NI"):
            say(_wrapped(f"{level} ({MEANINGS[level]}): {q.rubric[level]}", "    ").replace("    ", "  ", 1))
    say("  Look for:")
    for item in q.look_for:
        say(_wrapped(f"- {item}"))
    say("  NY: not yet (the work has not reached the point where it applies); NA: not applicable (give a reason).")


def _save(path: Path, text: str) -> None:
    write_output(text, path, force=True)


@app.command()
def interview(
    facts: Annotated[Path, typer.Argument(help="Fact file (YAML or JSON) to fill in; every answer is saved into it.")],
    target: TargetOption = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help="Ask only the practices this role is best placed to answer, e.g. "
                                    "ml-platform-lead."),
    ] = None,
    kb: KbOption = None,
) -> None:
    """Ask, most decisive first, only the questions whose answer can still decide the target; save every answer
    into FACTS at once (run again to continue); stop when the target is decided."""
    with handle_errors():
        from mlops_maturity.engine import api, documents
        from mlops_maturity.engine.facts import parse_fact_text
        from mlops_maturity.engine.interview import AnswerEntry, Interview, record_answer
        from mlops_maturity.engine.roadmap import parse_target

        knowledge = api.load_kb(kb)
        name = str(facts)
        text = documents.read_text(facts)
        parsed = parse_fact_text(text, name, knowledge)
        goal = parse_target(target, knowledge) if target is not None else None
        session = Interview(knowledge, parsed, target=goal, role=role)
        full = len(session.full_list)
        who = f" for {role}" if role else ""
        say(f"Interview toward {session.target.label}, saving into {name}.")
        say(f"The full list{who}: {full} question(s) ({len(parsed.practices)} practice(s) already in the file).")
        say(f"Answers: {HELP}. Ctrl-C stops; every answer given is already saved.")
        quit_ = False
        saved = parsed
        try:
            while True:
                question = session.next_question()
                if question is None:
                    break
                _show_question(len(session.asked) + 1, question)
                while True:
                    reply = ask(f"{question.practice} [FI/LI/PI/NI/NY/NA, ?, s, q]: ")
                    answer = reply.upper()
                    if answer == "?":
                        _show_full(question)
                        continue
                    if answer in ("S", "Q") or answer in ("FI", "LI", "PI", "NI", "NY", "NA"):
                        break
                    say(f"  expected {HELP}")
                if answer == "Q":
                    quit_ = True
                    break
                if answer == "S":
                    session.skip(question.practice)
                    say(f"  skipped {question.practice} (not saved; asked again next time)")
                    continue
                reason = None
                while answer == "NA" and not reason:
                    reason = ask("  Why does it not apply? (required for NA): ")
                    if reason.lower() == "q" and not reason[1:]:
                        reason = None
                        break
                if answer == "NA" and not reason:
                    say("  NA needs a reason; not saved")
                    continue
                entry = AnswerEntry(answer, reason=reason)
                recorded = record_answer(text, name, knowledge, question.practice, entry, today=dt.date.today())
                _save(facts, recorded.text)
                text, saved = recorded.text, recorded.facts
                session.record(question.practice, answer, reason=reason)
                say(f"  saved {question.practice}: {answer}")
                evidence = ask("  Evidence (optional; separate items with ;): ")
                note = "" if evidence.lower() == "q" else ask("  Note (optional): ")
                stop = "q" in (evidence.lower(), note.lower())
                items = [] if evidence.lower() == "q" else [e for e in evidence.split(";") if e.strip()]
                note = "" if note.lower() == "q" else note
                if items or note:
                    entry = AnswerEntry(answer, evidence=items, note=note or None, reason=reason)
                    recorded = record_answer(text, name, knowledge, question.practice, entry,
                                             today=dt.date.today())
                    _save(facts, recorded.text)
                    text, saved = recorded.text, recorded.facts
                    say("  saved the evidence and note")
                if stop:
                    quit_ = True
                    break
        except KeyboardInterrupt:
            say()
            say(f"interrupted: {len(session.asked)} answer(s) of this session are saved in {name}; run the same "
                "command again to continue")
            raise typer.Exit(130) from None
        asked = len(session.asked)
        decision = session.decision()
        say()
        if decision.decided:
            say(_wrapped(f"Stopped: the target is decided. {decision}.", ""))
        elif quit_:
            say(_wrapped(f"Stopped at your request; the target is still open. {decision}.", ""))
        else:
            left = "every remaining question was skipped" if session.skipped else \
                f"no question{who} can still change the answer"
            say(_wrapped(f"Stopped: {left}. {decision}.", ""))
        say(f"Asked {asked} of the {full} question(s) of the full list{who}: {full - asked} saved.")
        if decision.decided:
            check = session.verify(saved)
            level = f"maturity level {check.maturity_level}"
            if check.framework_level is not None or session.target.framework:
                shown = "none" if check.framework_level is None else check.framework_level
                level += f", {session.target.framework} level {shown}"
            say(f"Checked with the rules engine: {name} assessed as saved gives {level}; {session.target.label} "
                f"{'reached' if check.reached_as_assessed else 'not reached'}.")
