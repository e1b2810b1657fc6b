"""A document under construction -> a :class:`~search.models.Document` with its
question entries.

Questions and answers are rendered to plain text; footnotes are attached to the
entries that cite them; the metadata every entry carries is parsed from the intro,
reply and notice lines. A document that is only a notice has one entry, number 0,
holding it.
"""

from __future__ import annotations

from datetime import date

from search.ingest.blocks import _DocBuilder
from search.ingest.dates import _RECEIVED_RE, _SUBMITTED_RE
from search.ingest.footnotes import _loose_refs
from search.ingest.markdown import _render, _render_inline
from search.ingest.metadata import _impossible_date, _parse_intro, _parse_reply, _received
from search.ingest.repairs import _squash
from search.models import Document, Footnote, Member, Question


def _finish(b: _DocBuilder, name: str) -> Document:
    """Turn a document under construction into a :class:`Document` with its entries."""
    members: tuple[Member, ...] = ()
    addressees: tuple[str, ...] = ()
    subject: str | None = None
    submitted: date | None = None
    intro = _render_inline(" ".join(b.intro))
    if b.intro:
        members, addressees, subject, submitted = _parse_intro(intro)
    answered, answered_by = _parse_reply(b.reply)
    notice_received = _received(b.notice)
    for kind, lines, pattern in (
        ("intro", b.intro, _SUBMITTED_RE),
        ("reply", b.reply, _RECEIVED_RE),
        ("notice", b.notice, _RECEIVED_RE),
    ):
        wrong = _impossible_date(lines, pattern)
        if wrong:
            b.warnings.append((b.meta_lines.get(kind, b.line), "invalid-date", wrong))
    notice = _render(b.notice_paras)[0]
    footnotes = {n: _squash(_render_inline(" ".join(t)).text) for n, t in b.footnotes.items()}
    blocks = [(block, _render(block.question), _render(block.answer)) for block in b.blocks]
    cited = set(intro.refs)
    cited.update(n for block, (_, q), (_, a) in blocks for n in q + a + block.notes)
    uncited = set(footnotes) - cited
    entries: list[Question] = []
    for block, (question, qrefs), (answer, arefs) in blocks:
        refs = qrefs + arefs + block.notes
        if uncited:
            refs += _loose_refs(f"{question}\n{answer}", uncited)
        notes = [n for n in dict.fromkeys(refs) if n in footnotes]
        covered = bool(b.answered_numbers & set(block.numbers))
        entries.append(
            Question(
                entry_id=f"{b.document_id}#{block.numbers[0]}",
                document_id=b.document_id,
                numbers=tuple(block.numbers),
                question=question,
                answer=answer,
                members=members,
                addressees=addressees,
                subject=subject,
                submitted=submitted,
                # A combined answer ("Antwoord op vragen 1, 2 en 3") stands with the
                # first number's entry but answers the others too.
                answered=answered if answer or covered else None,
                answered_by=answered_by if answer or covered else None,
                footnotes=tuple(Footnote(n, footnotes[n]) for n in notes),
                source=name,
                line=block.line,
                delayed=b.delayed,
                notice=notice,
                notice_received=notice_received,
            )
        )
    if not entries and b.delayed:
        # A document that is only a notice: one entry (number 0) whose text is the
        # notice, so that the Kamervraag can be shown and found.
        entries.append(
            Question(
                entry_id=f"{b.document_id}#0",
                document_id=b.document_id,
                numbers=(0,),
                question=notice,
                members=members,
                addressees=addressees,
                subject=subject,
                submitted=submitted,
                source=name,
                line=b.meta_lines.get("notice", b.line),
                delayed=True,
                notice=notice,
                notice_received=notice_received,
            )
        )
    return Document(
        document_id=b.document_id,
        source=name,
        line=b.line,
        entries=tuple(entries),
        members=members,
        addressees=addressees,
        subject=subject,
        submitted=submitted,
        answered=answered,
        answered_by=answered_by,
        delayed=b.delayed,
        notice_received=notice_received,
        notice=notice,
    )
