"""Inbox test material and the audit the acceptance runs apply (tests and ``benchmarks/inbox``).

:func:`make_inbox_files` renders a mixed batch with invoicer's own synthetic-invoice code
(:mod:`invoicer.synth.basic`): born-digital PDFs, scans (PDF, PNG, JPEG) and a share of bad
files (corrupt, truncated, encrypted, zero-byte, not a document). :func:`audit_inbox` checks that
every dropped file is accounted for exactly once and that its original is byte-identical.
"""

from __future__ import annotations

import dataclasses
import io
import os
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from invoicer.service.files import file_sha256
from invoicer.service.settings import ServiceSettings
from invoicer.store.database import Database
from invoicer.store.models import DocumentRow, ExtractionRow, InboxClaim

__all__ = ["InboxFile", "audit_inbox", "drop_files", "make_inbox_files"]

BAD_KINDS = ("corrupt", "truncated", "encrypted", "zero_byte", "not_a_document")


@dataclass(frozen=True)
class InboxFile:
    name: str
    kind: str  # born_digital | scan_pdf | scan_png | scan_jpg | one of BAD_KINDS
    sha256: str

    @property
    def bad(self) -> bool:
        return self.kind in BAD_KINDS


def make_inbox_files(
    out: Path, n: int, *, seed: int = 0, bad_fraction: float = 0.05, scan_fraction: float = 0.3
) -> list[InboxFile]:
    """Write ``n`` distinct files to ``out`` (not the inbox); returns what each one is."""
    from invoicer.synth.basic import InvoiceSpec, Item, degrade, rasterize_pdf, render_invoice_pdf
    from invoicer.synth.fixtures import encrypted, pdf_with_scanner_layer

    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_bad = max(len(BAD_KINDS), round(n * bad_fraction)) if bad_fraction > 0 else 0
    n_scan = round((n - n_bad) * scan_fraction)
    kinds = ["born_digital"] * (n - n_bad - n_scan)
    kinds += [("scan_pdf", "scan_png", "scan_jpg")[k % 3] for k in range(n_scan)]
    kinds += [BAD_KINDS[k % len(BAD_KINDS)] for k in range(n_bad)]
    rng.shuffle(kinds)
    goods = ["Druckerpapier A4", "Toner schwarz", "Ordner breit", "Kugelschreiber", "Haftnotizen", "USB-Stick 64 GB"]
    scans: list[Any] = []
    files: list[InboxFile] = []
    for k, kind in enumerate(kinds):
        items = tuple(
            Item(rng.choice(goods), Decimal(rng.randint(1, 9)), Decimal(rng.randint(100, 9999)) / 100)
            for _ in range(rng.randint(1, 6))
        )
        spec = InvoiceSpec(
            invoice_number=f"RE-{seed}-{k:05d}", invoice_date=f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}", items=items
        )
        spec = dataclasses.replace(spec, due_date=spec.invoice_date)
        name = f"doc_{k:05d}"
        data: bytes
        if kind == "born_digital":
            name, data = name + ".pdf", render_invoice_pdf(spec)
        elif kind.startswith("scan"):
            if len(scans) < 4:  # a few clean renders, each degraded differently (rendering is the slow part)
                scans.append(rasterize_pdf(render_invoice_pdf(spec), 100)[0])
            image = degrade(scans[k % len(scans)], seed=seed * 100_000 + k)
            buf = io.BytesIO()
            if kind == "scan_pdf":
                name, data = name + ".pdf", pdf_with_scanner_layer(image, 100, [])
            elif kind == "scan_png":
                image.save(buf, format="PNG", dpi=(100, 100))
                name, data = name + ".png", buf.getvalue()
            else:
                image.save(buf, format="JPEG", quality=70, dpi=(100, 100))
                name, data = name + ".jpg", buf.getvalue()
        elif kind == "corrupt":
            name, data = name + ".pdf", b"%PDF-1.4\n" + rng.randbytes(2000) + b"\n%%EOF\n"
        elif kind == "truncated":
            whole = render_invoice_pdf(spec)
            name, data = name + ".pdf", whole[: len(whole) // 2]
        elif kind == "encrypted":
            name, data = name + ".pdf", encrypted(render_invoice_pdf(spec))
        elif kind == "zero_byte":
            name, data = name + ".pdf", b""
        else:
            name, data = name + ".pdf", f"Dear customer {k},\nplease find our invoice attached.\n".encode()
        (out / name).write_bytes(data)
        files.append(InboxFile(name, kind, file_sha256(out / name)))
    return files


def drop_files(source: Path, inbox: Path, files: list[InboxFile], *, pause_s: float = 0.0) -> None:
    """Put ``files`` into ``inbox`` the ways people do: renamed in, or written slowly in place."""
    import time

    for k, f in enumerate(files):
        data = (source / f.name).read_bytes()
        target = inbox / f.name
        if k % 2 == 0:  # written to a temporary name, then renamed in (atomic)
            tmp = inbox / f".{f.name}.part"
            tmp.write_bytes(data)
            os.replace(tmp, target)
        else:  # written in place in two halves, with a pause between
            with target.open("wb") as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
                time.sleep(0.01)
                handle.write(data[len(data) // 2 :])
        if pause_s:
            time.sleep(pause_s)


def _plain(row: Any) -> SimpleNamespace:
    """A detached copy of a row's columns (readable after the session is gone)."""
    return SimpleNamespace(**{c.key: getattr(row, c.key) for c in row.__table__.columns})


def audit_inbox(database: Database, service: ServiceSettings, files: list[InboxFile]) -> dict[str, Any]:
    """Check the acceptance conditions; returns a report whose ``problems`` list is empty when all hold."""
    problems: list[str] = []
    inbox = service.inbox.absolute()
    skipped = tuple(p.absolute() for p in (service.archive_dir, service.failed_dir))
    left = [p for p in inbox.rglob("*") if p.is_file() and not any(s == p or s in p.parents for s in skipped)]
    if left:
        problems.append(f"{len(left)} file(s) left in the inbox: {[str(p) for p in left[:5]]}")
    with database.read() as session:
        rows = [_plain(r) for r in session.scalars(select(InboxClaim))]
        docs = {d.id: _plain(d) for d in session.scalars(select(DocumentRow))}
        versions = dict(
            session.execute(select(ExtractionRow.document_id, func.count()).group_by(ExtractionRow.document_id)).all()
        )
    by_path = Counter(r.path for r in rows)
    claims = {Path(r.path).name: r for r in rows}
    states: Counter[str] = Counter()
    for f in files:
        path = str(inbox / f.name)
        if by_path[path] != 1:
            problems.append(f"{f.name}: {by_path[path]} claims (want exactly 1)")
            continue
        claim = claims[f.name]
        states[claim.state] += 1
        if claim.moved_to is None or not Path(claim.moved_to).is_file():
            problems.append(
                f"{f.name}: original not found where the claim says ({claim.moved_to});"
                f" claim {claim.state} after {claim.attempts} attempt(s): {claim.error}"
            )
            continue
        if file_sha256(Path(claim.moved_to)) != f.sha256:
            problems.append(f"{f.name}: the original changed (sha256 differs)")
        doc = docs.get(claim.document_id) if claim.document_id is not None else None
        if doc is None:
            problems.append(f"{f.name}: no document recorded")
            continue
        in_failed = Path(claim.moved_to).parent == service.failed_dir.absolute()
        if f.bad:
            if claim.state not in ("failed", "duplicate") or doc.status != "failed" or not doc.error_message:
                problems.append(f"{f.name} ({f.kind}): want failed with a reason, got {claim.state}/{doc.status}")
            if not in_failed:
                problems.append(f"{f.name}: bad file not in failed/ but {claim.moved_to}")
        else:
            if claim.state != "done" or doc.status == "failed":
                problems.append(
                    f"{f.name} ({f.kind}): want extracted, got {claim.state}/{doc.status} {doc.error_message}"
                )
            if in_failed or "archive" not in claim.moved_to:
                problems.append(f"{f.name}: good file not archived but {claim.moved_to}")
    shas = {f.sha256 for f in files}
    if len(docs) != len(shas):
        problems.append(f"{len(docs)} documents for {len(shas)} distinct contents (duplicates or strays)")
    reprocessed = {d: n for d, n in versions.items() if n != 1}
    if reprocessed:
        problems.append(f"documents extracted more than once: {reprocessed}")
    return {
        "files": len(files),
        "claims": len(rows),
        "documents": len(docs),
        "distinct_contents": len(shas),
        "claim_states": dict(states),
        "document_statuses": dict(Counter(d.status for d in docs.values())),
        "attempts_max": max((r.attempts for r in rows), default=0),
        "retried_claims": sum(1 for r in rows if r.attempts > 1),
        "problems": problems,
    }
