"""Full builds written as one Whoosh segment (:class:`BulkWriter`), in two processes.

:class:`BulkWriter` writes the segment through the codec as ``SegmentWriter`` does (the
per-document writer for stored fields, field lengths and columns; the field writer for
terms and postings, whole blocks at a time, built by :mod:`search.build.postings`; then
the table of contents). The result is an ordinary single-segment Whoosh index: the same
schema, readers, queries and incremental updates through Whoosh's normal writer.

Two processes (:meth:`BulkWriter.start_helper`): a forked helper reads the same
documents and builds and writes the postings of the fields from :data:`SPLIT_FIELD`
on (in name order) into a file of its own; this process does the other fields and the
per-document data, then appends the helper's postings and registers its terms.

Whoosh types stay inside the build; callers pass field dicts as for
``IndexWriter.add_document``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import shutil
import signal
import struct
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC, LockError, clean_files
from whoosh.system import pack_ushort

from search.build.postings import (
    RUN_BATCH,
    RUN_POSTINGS,
    SPLIT_FIELD,
    PostingsBuilder,
    TermIndex,
    dump_batch,
    load_batches,
)
from search.dense import DenseWriter, dense_path
from search.errors import IndexWriteError
from search.internals import (
    TERMINFO,
    field_number,
    postings_out,
    read_toc,
    replace_term_index,
)

__all__ = ["RUN_POSTINGS", "SPLIT_FIELD", "BulkWriter"]

#: ``whoosh.system.pack_long``: the postings offset in a term info.
_LONG = struct.Struct("!q")


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this (forked) process when its parent dies (Linux), so that
    a killed build leaves no helper or parse worker behind."""
    try:
        import ctypes  # builds only

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass  # elsewhere: the helper checks its parent while it reads
    if os.getppid() != parent:  # the parent died before the request
        os._exit(1)


class _Helper:
    """A forked process that builds and writes some fields' postings."""

    def __init__(self, pid: int, folder: Path) -> None:
        self.pid = pid
        self.folder = folder
        self.postings = folder / f".bulk-helper-{pid}.pst"
        self.terms = folder / f".bulk-helper-{pid}.terms"
        self.error = folder / f".bulk-helper-{pid}.err"
        #: What a helper that failed for a reason outside kvsearch (an ``OSError``,
        #: ``MemoryError``) writes: ``<code>\n<detail>`` (see ``IndexWriteError``).
        self.cause = folder / f".bulk-helper-{pid}.cause"
        self.dense = folder / f".bulk-helper-{pid}.dense"

    def wait(self) -> None:
        """Wait for the helper to finish; raise when it failed.

        Raises:
            IndexWriteError: It ran out of disk space or memory (or met another
                operating-system error), or was killed by a signal. The index folder
                named is the parent of the generation's folder it writes to.
            RuntimeError: It failed otherwise: a bug, with the helper's traceback.
        """
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        code = os.waitstatus_to_exitcode(status)
        if code == 0:
            return
        if code < 0:  # the OOM killer, or someone's kill
            raise IndexWriteError(self.folder.parent, "killed", signal.Signals(-code).name)
        if self.cause.exists():
            kind, _, detail = self.cause.read_text("utf-8").partition("\n")
            raise IndexWriteError(self.folder.parent, kind, detail)
        detail = self.error.read_text("utf-8") if self.error.exists() else f"status {status}"
        raise RuntimeError(f"the index helper process failed: {detail}")

    def stop(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0
        for path in (self.postings, self.terms, self.error, self.cause, self.dense):
            path.unlink(missing_ok=True)


def _run_helper(
    builder: PostingsBuilder,
    codec: Any,
    fields: Callable[[], Iterable[Mapping[str, Any]]],
    parent: int,
    out: _Helper,
) -> None:
    """The helper's work (in the forked child)."""
    for docnum, doc in enumerate(fields()):
        builder.add_document(docnum, doc)
        if docnum % 1000 == 0 and os.getppid() != parent:
            raise RuntimeError("the building process is gone")
    dense = DenseWriter(out.dense)
    with open(out.postings, "wb") as raw, open(out.terms, "wb") as terms:
        postfile = StructFile(raw)

        batch: list[tuple[str, bytes, bytes]] = []

        def term(name: str, btext: bytes, info: bytes) -> None:
            nonlocal batch
            batch.append((name, btext, info))
            if len(batch) >= RUN_BATCH:
                dump_batch(batch, terms)
                batch = []

        builder.write(codec, postfile, term, dense)
        dump_batch(batch, terms)
        postfile.flush()
    dense.finish()
    builder.cleanup()


def _moved(info: bytes, base: int) -> bytes:
    """Term info bytes (``W3TermInfo.to_bytes``) with the postings offset moved by
    ``base``; inlined postings (a flag byte first) have no offset."""
    if info[0]:
        return info
    at = TERMINFO.size
    offset: int = _LONG.unpack_from(info, at)[0]
    return info[:at] + _LONG.pack(offset + base) + info[at + _LONG.size :]


class HelperProcess:
    """A process forked ahead of time, to become a :class:`BulkWriter`'s helper later
    (``start_helper(fields, process=...)``).

    A process forked when the writing starts begins with every page the building
    process holds by then: shared until written, but counted in the RSS of both, and
    copied as the helper touches it (reference counts). Forked while the building
    process is still small (before it parses), the helper holds only what its job
    brings: the job and its ``fields`` are pickled to it through a pipe.
    """

    def __init__(self, folder: Path) -> None:
        """Fork the process; it writes its files to ``folder`` (the index's folder)."""
        self.folder = folder
        parent = os.getpid()
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: never returns, never runs the parent's cleanup
            os.close(write_fd)
            die_with_parent(parent)
            _serve(read_fd, folder, parent)
        os.close(read_fd)
        self.pid = pid
        self._pipe: BinaryIO | None = os.fdopen(write_fd, "wb")

    def send(self, job: tuple[Any, ...]) -> None:
        """Give the process its job (:meth:`BulkWriter.start_helper` does)."""
        if self._pipe is None:
            raise ValueError("this helper process has its job already or is stopped")
        pipe, self._pipe = self._pipe, None
        try:
            pickle.dump(job, pipe, pickle.HIGHEST_PROTOCOL)
        finally:
            pipe.close()

    def stop(self) -> None:
        """End the process when it got no job (without one, it exits at once)."""
        if self._pipe is None:
            return  # a writer owns it, or it is stopped
        self._pipe.close()
        self._pipe = None
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _serve(read_fd: int, folder: Path, parent: int) -> None:
    """A :class:`HelperProcess`: wait for its job, do it, exit (in the forked child)."""
    status = 1
    out = _Helper(os.getpid(), folder)
    builder: PostingsBuilder | None = None
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            try:
                job = pickle.load(pipe)
            except EOFError:  # stopped without a job
                job = None
        if job is not None:
            schema, names, run_postings, codec, fields = job
            gc.disable()  # as in the building process (search.build.write.write_whoosh)
            builder = PostingsBuilder(schema, names, folder, run_postings)
            _run_helper(builder, codec, fields, parent, out)
        status = 0
    except BaseException:
        _report_failure(out, builder)
    finally:
        os._exit(status)


def _report_failure(out: _Helper, builder: PostingsBuilder | None) -> None:
    """In a failing helper: leave the traceback for the parent, and what kind of
    failure outside kvsearch it was, if it was one (:meth:`_Helper.wait`); remove the
    runs."""
    exc = sys.exc_info()[1]
    with contextlib.suppress(BaseException):
        out.error.write_text(traceback.format_exc(), "utf-8")
        if isinstance(exc, MemoryError):
            out.cause.write_text("memory\n", "utf-8")
        elif isinstance(exc, OSError):
            out.cause.write_text(f"os\n{exc.strerror or exc}", "utf-8")
    if builder is not None:
        builder.cleanup()


class BulkWriter:
    """Writes a new index's documents as one segment (a full build only).

    Use as ``add_document(fields)`` for each document, then :meth:`commit`, or
    :meth:`cancel` on failure. The index must be empty (just created).
    """

    def __init__(self, ix: Any, *, run_postings: int = RUN_POSTINGS) -> None:
        self._storage = ix.storage
        self._indexname = ix.indexname
        self._lock = ix.lock("WRITELOCK")
        if not self._lock.acquire():
            raise LockError
        try:
            info = read_toc(ix)
            if info.segments:
                raise ValueError("BulkWriter writes new indexes only; this one has segments")
            self._generation: int = info.generation + 1
            self._schema = info.schema
            self._check_schema()
            self._codec = W3Codec()
            self._segment = self._codec.new_segment(self._storage, self._indexname)
            self._perdoc = self._codec.per_document_writer(self._storage, self._segment)
        except BaseException:
            self._lock.release()
            raise
        self._folder = Path(self._storage.folder)
        self._run_postings = run_postings
        names = set(self._schema.names())
        self._postings = PostingsBuilder(self._schema, names, self._folder, run_postings)
        #: Fields whose postings a helper process writes (none without a helper).
        self._elsewhere: set[str] = set()
        self._helper: _Helper | None = None
        self._docnum = 0
        self._closed = False

    def _check_schema(self) -> None:
        for name, field in self._schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"BulkWriter cannot write field {name!r} (vectors, spelling)")

    @property
    def doc_count(self) -> int:
        """Documents added so far."""
        return self._docnum

    def start_helper(
        self,
        fields: Callable[[], Iterable[Mapping[str, Any]]],
        process: HelperProcess | None = None,
    ) -> None:
        """Have a helper process write the postings of the fields from
        :data:`SPLIT_FIELD` on; ``fields()`` must give it the same documents that
        :meth:`add_document` will get here, in the same order. Call before adding
        documents.

        Without ``process``, a process is forked now; with one (forked earlier for this
        index's folder), ``fields`` is pickled to it and called there.
        """
        if self._docnum or self._helper is not None:
            raise ValueError("start_helper comes before the first document")
        theirs = {n for n in self._schema.names() if n >= SPLIT_FIELD}
        if process is not None:
            if Path(process.folder) != self._folder:
                raise ValueError("the helper process writes to another folder")
            job = (self._schema, theirs, self._run_postings // 2, self._codec, fields)
            self._helper = _Helper(process.pid, self._folder)
            process.send(job)
            self._use_helper(theirs)
            return
        helper_builder = PostingsBuilder(
            self._schema, theirs, self._folder, self._run_postings // 2
        )
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the helper: never returns, never runs the parent's cleanup
            die_with_parent(parent)
            status = 1
            out = _Helper(os.getpid(), self._folder)
            try:
                _run_helper(helper_builder, self._codec, fields, parent, out)
                status = 0
            except BaseException:
                _report_failure(out, helper_builder)
            finally:
                os._exit(status)
        self._helper = _Helper(pid, self._folder)
        self._use_helper(theirs)

    def _use_helper(self, theirs: set[str]) -> None:
        self._elsewhere = theirs
        mine = {n for n in self._schema.names() if n not in theirs}
        self._postings = PostingsBuilder(self._schema, mine, self._folder, self._run_postings // 2)

    def add_document(self, fields: Mapping[str, Any]) -> None:
        """Add one document, as ``SegmentWriter.add_document(**fields)`` would."""
        if self._closed:
            raise ValueError("this writer is closed")
        schema = self._schema
        names = sorted(fields)
        for name in names:
            if name.startswith("_") or name not in schema:
                raise ValueError(f"BulkWriter: unknown or unsupported field {name!r}")
        docnum = self._docnum
        perdoc = self._perdoc
        postings = self._postings
        elsewhere = self._elsewhere
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    if name in elsewhere:
                        length = postings.length(name, field, value)
                    else:
                        length = postings.add(docnum, name, field, value)
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._docnum += 1
        postings.finish_document(docnum)

    # Writing the segment

    def commit(self) -> int:
        """Write the segment and make it the index's content; return the doc count."""
        if self._closed:
            raise ValueError("this writer is closed")
        try:
            self._perdoc.close()
            self._segment.set_doc_count(self._docnum)
            dense = DenseWriter(self._folder / ".bulk-dense")
            try:
                self._write_postings(dense)
                has_dense = dense.finish()
            except BaseException:
                dense.cancel()
                raise
            segment = self._segment
            if segment.should_assemble():
                segment.create_compound_file(self._storage)
                segment.compound = True
            # After the compound file, which takes every file named like the segment's.
            if has_dense:
                os.replace(dense.path, dense_path(self._folder, segment.segment_id()))
            toc = TOC(self._schema, [segment], self._generation)
            toc.write(self._storage, self._indexname)
            clean_files(self._storage, self._indexname, self._generation, [segment])
        finally:
            self._finish()
        return self._docnum

    def cancel(self) -> None:
        """Give up: nothing is committed (the index stays empty)."""
        if self._closed:
            return
        try:
            if not self._perdoc.is_closed:
                self._perdoc.close()
        finally:
            self._finish()

    def _finish(self) -> None:
        self._closed = True
        self._postings.cleanup()
        if self._helper is not None:
            self._helper.stop()
        self._lock.release()

    def _write_postings(self, dense: DenseWriter) -> None:
        schema = self._schema
        fieldwriter = self._codec.field_writer(self._storage, self._segment)
        tindex = replace_term_index(fieldwriter, TermIndex)
        lastname: str | None = None

        def term(name: str, btext: bytes, info: bytes) -> None:
            nonlocal lastname
            if name != lastname:
                if lastname is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(name, schema[name])
                lastname = name
            tindex.add(pack_ushort(field_number(fieldwriter)) + btext, info)

        try:
            self._postings.doc_count = self._docnum
            self._postings.write(self._codec, postings_out(fieldwriter), term, dense)
            self._postings.cleanup()
            if self._helper is not None:
                self._append_helper(postings_out(fieldwriter), term, dense)
            if lastname is not None:
                fieldwriter.finish_field()
        finally:
            fieldwriter.close()

    def _append_helper(
        self, postfile: Any, term: Callable[[str, bytes, bytes], None], dense: DenseWriter
    ) -> None:
        """The helper's postings after ours, its terms' offsets moved by as much (and
        its dense arrays after ours)."""
        helper = self._helper
        assert helper is not None
        helper.wait()
        base = postfile.tell()
        with open(helper.postings, "rb") as fh:
            shutil.copyfileobj(fh, postfile.file)
        for name, btext, info in load_batches(helper.terms):
            term(name, btext, _moved(info, base))
        dense.append_file(helper.dense)
