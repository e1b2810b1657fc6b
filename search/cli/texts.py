"""The Dutch the ``kvsearch`` command speaks about problems: every
:class:`search.SearchError` as one sentence (:func:`dutch_message`), and a skipped or odd
seed as ``path:line: reason`` (:func:`skip_text`).

Plain strings only (no click here).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from search.cli.render import shown_path
from search.dutch.parliament import FIRST_YEAR, LAST_YEAR
from search.errors import (
    DependencyError,
    EntryNotFoundError,
    FilterError,
    IndexClosedError,
    IndexCorruptError,
    IndexLockedError,
    IndexNotFoundError,
    IndexPathError,
    IndexUntrustedError,
    IndexVersionError,
    IndexWriteError,
    QuerySyntaxError,
    SearchError,
    SeedError,
    SeedParseError,
    SourceError,
    WatchExistsError,
    WatchNameError,
    WatchNotFoundError,
    WatchStoreError,
)
from search.models import Skipped

#: Dutch wording of :data:`search.models.SKIP_REASONS`.
SKIP_REASONS_NL: dict[str, str] = {
    "empty": "het bestand is leeg",
    "too-large": "te groot voor een seed ({detail}; hoogstens 20 MB)",
    "binary": "geen tekst maar een binair bestand",
    "unreadable": "kan niet gelezen worden ({detail})",
    "dangling-link": "symbolische link naar {detail}, dat niet bestaat; herstel of verwijder hem",
    "link-loop": "symbolische link die naar zichzelf terugleidt; herstel of verwijder hem",
    "not-a-file": "geen gewoon bestand",
    "no-questions": "document {detail} bevat geen blokken `Vraag N`",
    "legacy-encoding": "geen UTF-8; gelezen als {detail}",
    "invalid-utf8": "bytes die geen UTF-8 zijn ({detail}); alleen die zijn als cp1252 "
    "gelezen, controleer deze regel",
    "no-heading": "geen kop `## <documentnummer>`; het document heet {detail}, naar het bestand",
    "duplicate-id": "een documentnummer staat twee keer in het bestand; dit document heet {detail}",
    "merge-conflict": "{detail} verschilt van het andere document met dit nummer; "
    "de volledigste waarde is gebruikt",
    "notice-only": "document {detail} is een mededeling zonder vragen",
    "repeated-question": "vraag {detail} staat er twee keer; de tekst is samengevoegd",
    "answer-without-question": "antwoord {detail} heeft geen vraagblok",
    "unknown-heading": "onbekende kop `{detail}`; de tekst eronder hoort nu bij de vraag, het "
    "antwoord of de mededeling erboven",
    "unknown-heading-lost": "onbekende kop `{detail}` vóór de eerste vraag; de tekst eronder "
    "is niet geïndexeerd (maak er een `### Vraag N` van of verplaats hem)",
    "invalid-date": "de datum {detail} bestaat niet; geïndexeerd zonder datum, verbeter de datum",
    "name-not-utf8": "bestandsnaam is geen UTF-8; geïndexeerd als {detail} "
    "(geef het bestand een UTF-8-naam)",
    "not-utf8": "geen UTF-8-tekst",
    "no-document": "geen kop `## <documentnummer>`, dus geen document gevonden",
}


def dutch_message(exc: SearchError) -> str:
    """One Dutch sentence that says what is wrong and what to do."""
    if isinstance(exc, DependencyError):
        return (
            f"kvsearch heeft {exc.distribution} {exc.expected} nodig, maar {exc.found} is "
            "geïnstalleerd. Installeer die versie: "
            f"pip install '{exc.distribution}=={exc.expected}'."
        )
    if isinstance(exc, EntryNotFoundError):
        return f"geen vraag of document {exc.ident!r} in de index. Controleer het nummer."
    if isinstance(exc, IndexNotFoundError):
        return f"geen index in {exc.path}/. Maak er een met `kvsearch index`."
    if isinstance(exc, IndexVersionError):
        return (
            f"de index in {exc.path}/ is gemaakt met een andere {_WHAT.get(exc.what, exc.what)} "
            f"({exc.found}; nu {exc.expected}). Bouw hem opnieuw met `kvsearch rebuild`."
        )
    if isinstance(exc, IndexCorruptError) and exc.damaged:
        return (
            f"de index in {exc.path}/ is beschadigd ({_damaged_nl(exc.damaged)}). "
            "Bouw hem opnieuw met `kvsearch rebuild`."
        )
    if isinstance(exc, IndexCorruptError):
        return (
            f"de index in {exc.path}/ is beschadigd ({_corrupt_reason(exc.reason)}). "
            "Bouw hem opnieuw met `kvsearch rebuild`."
        )
    if isinstance(exc, IndexLockedError):
        holder = f"proces {exc.pid}" if exc.pid else "een ander proces"
        return f"{exc.path}/ wordt bijgewerkt door {holder}. Wacht tot dat klaar is."
    if isinstance(exc, IndexPathError):
        return (
            f"{exc.path} kan geen index zijn ({_REASONS_NL.get(exc.reason, exc.reason)}). "
            "Kies een andere --index-dir."
        )
    if isinstance(exc, IndexWriteError):
        why = {"memory": "te weinig geheugen", "killed": f"hulpproces gestopt door {exc.detail}"}
        return (
            f"het schrijven van de index in {exc.path}/ is mislukt "
            f"({why.get(exc.code, exc.detail)}); de index is niet veranderd. "
            "Maak schijfruimte of geheugen vrij en probeer het opnieuw."
        )
    if isinstance(exc, SeedError):
        shown = shown_path(os.fsencode(str(exc.path)).decode("utf-8", "backslashreplace"))
        return (
            f"{shown}: {_REASONS_NL.get(exc.reason, exc.reason)}. "
            "Geef een map of bestand met Kamervragen op."
        )
    if isinstance(exc, SeedParseError):
        return f"{exc.path}:{exc.line}: {SKIP_REASONS_NL.get(exc.code, exc.reason)}."
    if isinstance(exc, FilterError):
        return _filter_message(exc)
    if isinstance(exc, QuerySyntaxError):
        return _query_message(exc)
    if isinstance(exc, IndexClosedError):
        return f"de index in {exc.path}/ is gesloten. Open hem opnieuw."
    if isinstance(exc, WatchNotFoundError | WatchExistsError | WatchNameError | WatchStoreError):
        return _watch_message(exc)
    if isinstance(exc, SourceError):
        return _source_message(exc)
    if isinstance(exc, IndexUntrustedError):
        what = {
            "owner": f"is van een andere gebruiker (uid {exc.owner})",
            "writable": "is schrijfbaar voor groep of anderen",
            "symlink": "is een symbolische link",
            "links": "heeft nog andere harde links",
        }.get(exc.reason, exc.reason)
        return (
            f"de index in {exc.path}/ wordt niet geopend: {exc.file} {what}, en een index "
            "bevat code. Vertrouwt u hem, gebruik dan --trust of "
            f"KVSEARCH_TRUST_INDEX={exc.path}."
        )
    return str(exc)


def _watch_message(
    exc: WatchNotFoundError | WatchExistsError | WatchNameError | WatchStoreError,
) -> str:
    if isinstance(exc, WatchNotFoundError):
        return f"geen gevolgde zoekvraag '{exc.name}'. Zie `kvsearch watch list` voor de namen."
    if isinstance(exc, WatchExistsError):
        return (
            f"er is al een gevolgde zoekvraag '{exc.name}'. Kies een andere naam, of verwijder "
            "hem eerst met `kvsearch watch remove`."
        )
    if isinstance(exc, WatchNameError):
        if exc.code == "too-long":
            return "de naam is te lang; hoogstens 60 tekens."
        if exc.code == "characters":
            return "de naam mag geen stuur- of onzichtbare tekens bevatten."
        return "geef een naam voor de zoekvraag."
    if exc.code == "version":
        return (
            f"{exc.path} is gemaakt door een nieuwere kvsearch (versie {exc.found}). "
            "Werk kvsearch bij; het bestand blijft zoals het is."
        )
    return (
        f"{exc.path} is geen leesbaar bestand met gevolgde zoekvragen ({exc.reason}). "
        "Herstel of verplaats het; kvsearch overschrijft het niet."
    )


def _filter_message(exc: FilterError) -> str:
    value = exc.value
    if exc.code == "date":
        if exc.field == "date":
            return (
                f"datum:{value} is geen datum of periode; schrijf datum:JJJJ-MM-DD of "
                "datum:JJJJ-MM-DD..JJJJ-MM-DD (een kant mag open blijven)."
            )
        return f"{value!r} is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2024-01-31."
    if exc.code == "date-order":
        return (
            f"de periode eindigt ({value}) voordat ze begint; geef een einddatum na de begindatum."
        )
    if exc.code == "year":
        return f"{value!r} is geen jaar; geef een jaar van {FIRST_YEAR} tot {LAST_YEAR}, bv. 2024."
    if exc.code == "session":
        return f"{value!r} is geen vergaderjaar; schrijf bijvoorbeeld 2023-2024."
    if exc.code == "status":
        return f"{value!r} is geen status; kies beantwoord, onbeantwoord of uitgesteld."
    if exc.code == "sort":
        return f"{value!r} is geen volgorde; kies relevance, date of -date."
    if exc.code == "empty":
        return f"een lege waarde voor {_FILTER_NL.get(exc.field, exc.field)}; geef een naam."
    return f"ongeldige waarde {value!r} voor {_FILTER_NL.get(exc.field, exc.field)}."


_FILTER_NL = {"member": "lid", "party": "partij", "ministry": "ministerie"}


def _query_message(exc: QuerySyntaxError) -> str:
    part = exc.part
    if exc.code == "fuzzy-distance":
        return f"{part}: na ~ staat het aantal tikfouten, 1 of 2 (bv. stikstof~ of stikstof~2)."
    if exc.code == "fuzzy-short":
        return (
            f"{part}: te kort voor zoveel tikfouten; geef minstens {exc.detail} letters, "
            "of minder tikfouten."
        )
    if exc.code == "prefix-short":
        return f"{part} past op te veel woorden; geef minstens {exc.detail} letters vóór de *."
    if exc.code == "too-broad":
        return f"{part} past op meer dan {exc.detail} woorden; maak het woord langer."
    if exc.code == "too-long":
        return (
            f"de zoekvraag heeft te veel delen (hoogstens {exc.detail}). Zoek op een hele "
            "tekst met `kvsearch similar --text`."
        )
    return str(exc)


def _source_message(exc: SourceError) -> str:
    """A :class:`SourceError` in Dutch: which source, and what to do."""
    names = ", ".join(shown_path(x) for x in exc.sources)
    if exc.reason == "unknown":
        recorded = ", ".join(shown_path(x) for x in exc.recorded) or "geen"
        return f"{names} is geen bron van de index in {exc.path}/; de bronnen zijn: {recorded}."
    many = len(exc.sources) > 1
    what = {
        "missing": "ontbreken" if many else "ontbreekt",
        "unreadable": "kunnen niet gelezen worden" if many else "kan niet gelezen worden",
        "empty": "zijn leeg" if many else "is leeg",
    }.get(exc.reason, exc.reason)
    noun, their = ("bronnen", "hun") if many else ("bron", "haar")
    return (
        f"{noun} {names} {what}; gebruik --forget om {their} entries te verwijderen "
        "(de index is niet gewijzigd)."
    )


_WHAT = {"analysis": "taalanalyse", "schema version": "schemaversie"}

#: Dutch for the problems of :class:`search.build.integrity.Damage`.
DAMAGE_NL = {
    "missing": "ontbreekt",
    "size": "heeft een andere grootte dan vastgelegd",
    "checksum": "klopt niet met zijn controlegetal",
    "truncated": "is ingekort",
    "unreadable": "is onleesbaar",
}


def _damaged_nl(files: Sequence[str]) -> str:
    shown = ", ".join(files[:3]) + (f" en {len(files) - 3} meer" if len(files) > 3 else "")
    return f"{'bestand' if len(files) == 1 else 'bestanden'} {shown} beschadigd"


#: Dutch for the reasons that library errors carry (system errors stay as they are).
_REASONS_NL = {
    "it is a file": "het is een bestand",
    "the folder is not empty and holds no kvsearch index": "de map is niet leeg en is geen index",
    "no such file or folder": "bestaat niet",
    "no seeds given": "geen seeds opgegeven",
    "Permission denied": "geen toegang",
    "Not a directory": "een deel van het pad is een bestand",
    "Read-only file system": "alleen-lezen bestandssysteem",
}


#: Dutch for the reasons of :class:`IndexCorruptError` that kvsearch words itself (by
#: their start; what Whoosh or the system says stays as it is).
_CORRUPT_NL = {
    "CURRENT cannot be read": "CURRENT is onleesbaar",
    "CURRENT is missing": "CURRENT ontbreekt",
    "CURRENT names a missing generation": "CURRENT noemt een generatie die ontbreekt:",
    "kvsearch.json is missing or unreadable": "kvsearch.json ontbreekt of is onleesbaar",
    "kvsearch.json is not a kvsearch index description": "kvsearch.json beschrijft geen index",
    "kvsearch.json lacks a count of": "in kvsearch.json ontbreekt het aantal",
    "kvsearch.json names no sources": "kvsearch.json noemt geen bronnen",
    "kvsearch.json has an unreadable list of sources": "kvsearch.json: bronnen onleesbaar",
    "kvsearch.json has an unreadable list of seed files": "kvsearch.json: bestanden onleesbaar",
    "its metadata and sources cannot be read": "beschrijving en bronnen zijn onleesbaar",
}


def _corrupt_reason(reason: str) -> str:
    for english, dutch in _CORRUPT_NL.items():
        if reason.startswith(english):
            return dutch + reason[len(english) :]
    return reason


def skip_text(skip: Skipped) -> str:
    """A :class:`Skipped` in Dutch: ``path:line: reason``."""
    detail = _REASONS_NL.get(skip.detail, skip.detail)
    if skip.code == "name-not-utf8":  # the name it is indexed under: a path
        detail = shown_path(detail)
    reason = SKIP_REASONS_NL.get(skip.code, skip.reason).format(detail=detail)
    return f"{shown_path(skip.path)}:{skip.line}: {reason}"
