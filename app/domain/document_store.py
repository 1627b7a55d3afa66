"""Store of documents and their units: one transaction per document, units replaced as a whole.

Re-importing the same document changes nothing (same id, same content hash); an edited one is updated in
place. ``version()`` changes whenever any document does, so every process's unit index knows when to
rebuild itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, col, select

from app.domain.documents import Document, DocumentUnit, ParsedDocument, document_id, source_name
from app.domain.errors import StoreUnavailable
from app.domain.models import utcnow

MAX_FIELD_CHARS = 20_000


def _cut(value: str | None) -> str | None:
    return value[:MAX_FIELD_CHARS] if value else value


def content_hash(doc: ParsedDocument) -> str:
    payload = {k: v for k, v in asdict(doc).items() if k != "source"}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class DocumentStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def upsert(self, doc: ParsedDocument) -> str:
        """Store ``doc``; returns "created", "updated" or "unchanged"."""
        doc_id = document_id(doc)
        digest = content_hash(doc)
        try:
            with Session(self.engine) as session:
                row = session.get(Document, doc_id)
                if row is not None and row.content_hash == digest:
                    return "unchanged"
                outcome = "updated" if row is not None else "created"
                if row is None:
                    row = Document(id=doc_id, title=doc.title, type=doc.type, layout=doc.layout, content_hash=digest)
                row.title, row.type, row.layout = doc.title, doc.type, doc.layout
                row.structure, row.territoire, row.periode = doc.structure, doc.territoire, doc.periode
                row.source_file, row.content_hash, row.updated_at = source_name(doc.source), digest, utcnow()
                session.add(row)
                session.flush()
                session.execute(delete(DocumentUnit).where(col(DocumentUnit.document_id) == doc_id))
                for position, unit in enumerate(doc.units):
                    session.add(DocumentUnit(
                        id=f"{doc_id}-{position}", document_id=doc_id, position=position, titre=unit.titre[:2000],
                        axe=unit.axe, objectifs_operationnels=unit.objectifs_operationnels,
                        indicateurs=unit.indicateurs, exemples=unit.exemples, parties=unit.parties,
                        texte=_cut(unit.texte), source_line=unit.line or None))
                session.commit()
                return outcome
        except (OperationalError, InterfaceError) as exc:
            raise StoreUnavailable("Base de données inaccessible : documents non enregistrés.") from exc

    def get(self, doc_id: str) -> tuple[Document, list[DocumentUnit]] | None:
        with Session(self.engine) as session:
            row = session.get(Document, doc_id)
            if row is None:
                return None
            units = session.exec(select(DocumentUnit).where(col(DocumentUnit.document_id) == doc_id)
                                 .order_by(col(DocumentUnit.position))).all()
            return row, list(units)

    def all_units(self) -> list[tuple[Document, DocumentUnit]]:
        """Every unit with its document, documents by title, units in reading order."""
        with Session(self.engine) as session:
            rows = session.exec(select(Document, DocumentUnit).join(DocumentUnit)
                                .order_by(col(Document.title), col(Document.id), col(DocumentUnit.position))).all()
            return [(doc, unit) for doc, unit in rows]

    def version(self) -> tuple[Any, ...]:
        """Changes whenever a document is created, updated or removed."""
        with Session(self.engine) as session:
            count, latest = session.exec(select(func.count(), func.max(Document.updated_at))).one()
            return int(count), str(latest)
