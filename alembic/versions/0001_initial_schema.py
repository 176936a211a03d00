"""initial schema: tables, the change clock, the pull views (v1) and, on PostgreSQL, the mark-exported functions

Revision ID: 0001
Revises:
Create Date: 2026-11-25 15:00:33.798149
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TEXT_FIELDS = (
    "vendor_name",
    "vendor_address",
    "vendor_tax_id",
    "customer_name",
    "invoice_number",
    "po_number",
    "currency",
    "iban",
)
DATE_FIELDS = ("invoice_date", "due_date")
MONEY_FIELDS = ("subtotal", "tax_total", "total")
# column order of invoices_v1 (the contract: docs/pull-contract.md)
HEADER_ORDER = (
    "vendor_name",
    "vendor_address",
    "vendor_tax_id",
    "customer_name",
    "invoice_number",
    "invoice_date",
    "due_date",
    "po_number",
    "currency",
    "subtotal",
    "tax_total",
    "total",
    "iban",
)


def _invoices_v1(postgres: bool) -> str:
    """The header view. SQLite: one indexed LEFT JOIN per field; PostgreSQL: one LATERAL pivot (3x faster)."""
    typed = {
        **{n: "value" for n in TEXT_FIELDS},
        **{n: "value_date" for n in DATE_FIELDS},
        **{n: "value_number" for n in MONEY_FIELDS},
    }
    if postgres:
        cast = {**{n: "" for n in TEXT_FIELDS + DATE_FIELDS}, **{n: "::numeric(18,4)" for n in MONEY_FIELDS}}
        pivot = ",\n    ".join(f"max({typed[n]}) FILTER (WHERE name = '{n}'){cast[n]} AS {n}" for n in HEADER_ORDER)
        columns = ",\n  ".join(f"f.{n} AS {n}" for n in HEADER_ORDER)
        joins = (
            f"LEFT JOIN LATERAL (\n  SELECT\n    {pivot}\n  FROM fields WHERE fields.extraction_id = e.id\n) f ON true"
        )
    else:
        columns = ",\n  ".join(f"f_{n}.{typed[n]} AS {n}" for n in HEADER_ORDER)
        joins = "\n".join(
            f"LEFT JOIN fields f_{n} ON f_{n}.extraction_id = e.id AND f_{n}.name = '{n}'" for n in HEADER_ORDER
        )
    return f"""
CREATE VIEW invoices_v1 AS
SELECT
  d.id AS invoice_id,
  d.status AS status,
  d.revision AS revision,
  d.updated_at AS updated_at,
  d.created_at AS created_at,
  e.version AS extraction_version,
  e.vendor_id AS vendor_id,
  {columns},
  (SELECT COUNT(*) FROM line_items li WHERE li.extraction_id = e.id) AS line_count,
  d.sha256 AS sha256,
  d.original_path AS original_path,
  d.source_name AS source_name,
  d.media_type AS media_type,
  d.page_count AS page_count,
  d.error_code AS error_code,
  d.error_message AS error_message,
  d.review_note AS review_note,
  d.exported_at AS exported_at,
  d.export_system AS export_system,
  d.export_reference AS export_reference,
  d.export_error AS export_error
FROM documents d
LEFT JOIN extractions e ON e.document_id = d.id AND e.version = d.current_version
{joins}
"""


INVOICE_LINES_V1 = """
CREATE VIEW invoice_lines_v1 AS
SELECT
  d.id AS invoice_id,
  li.position AS line_number,
  d.status AS status,
  d.revision AS revision,
  d.updated_at AS updated_at,
  e.version AS extraction_version,
  li.description AS description,
  li.quantity AS quantity,
  li.unit_price AS unit_price,
  li.amount AS amount,
  li.tax_rate AS tax_rate
FROM documents d
JOIN extractions e ON e.document_id = d.id AND e.version = d.current_version
JOIN line_items li ON li.extraction_id = e.id
"""

# PostgreSQL: how a pulling system marks rows exported (or failed) with nothing but SQL. The same
# rules as invoicer.store.pull.record_export; SECURITY DEFINER so a read-only role may call it.
PG_RECORD_EXPORT = """
CREATE FUNCTION invoicer_record_export(
  p_invoice_ids bigint[], p_system text, p_reference text, p_revisions integer[], p_error text
) RETURNS TABLE (invoice_id bigint, outcome text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
  v_tick timestamptz;
  v_doc documents%ROWTYPE;
  v_target text := CASE WHEN p_error IS NULL THEN 'exported' ELSE 'export_failed' END;
  v_i integer;
BEGIN
  IF p_system IS NULL OR btrim(p_system) = '' THEN
    RAISE EXCEPTION 'name the pulling system (second argument)';
  END IF;
  IF p_revisions IS NOT NULL AND cardinality(p_revisions) <> cardinality(p_invoice_ids) THEN
    RAISE EXCEPTION 'revisions must have one entry per invoice id';
  END IF;
  SELECT c.last_tick INTO v_tick FROM change_clock c WHERE c.id = 1 FOR UPDATE;
  v_tick := GREATEST(clock_timestamp(), v_tick + interval '1 microsecond');
  UPDATE change_clock SET last_tick = v_tick WHERE id = 1;
  FOR v_i IN 1 .. coalesce(cardinality(p_invoice_ids), 0) LOOP
    invoice_id := p_invoice_ids[v_i];
    SELECT * INTO v_doc FROM documents d WHERE d.id = p_invoice_ids[v_i] FOR UPDATE;
    IF NOT FOUND THEN
      outcome := 'unknown';
    ELSIF p_revisions IS NOT NULL AND v_doc.revision <> p_revisions[v_i] THEN
      outcome := 'stale';
    ELSIF v_target = 'exported' AND v_doc.status = 'exported' THEN
      outcome := 'already_exported';
    ELSIF v_doc.status NOT IN ('approved', 'export_failed') THEN
      outcome := 'not_exportable';
    ELSE
      UPDATE documents d SET
        status = v_target,
        revision = d.revision + 1,
        updated_at = v_tick,
        exported_at = CASE WHEN p_error IS NULL THEN v_tick ELSE d.exported_at END,
        export_system = p_system,
        export_reference = p_reference,
        export_error = p_error
      WHERE d.id = v_doc.id;
      INSERT INTO audit_log (at, actor, action, document_id, field, old_value, new_value, detail)
      VALUES (v_tick, 'pull:' || p_system, v_target, v_doc.id, 'status', v_doc.status, v_target,
              coalesce(p_error, p_reference));
      outcome := 'marked';
    END IF;
    RETURN NEXT;
  END LOOP;
END
$fn$
"""

PG_MARK_EXPORTED = """
CREATE FUNCTION invoicer_mark_exported(
  invoice_ids bigint[], system text, reference text DEFAULT NULL, revisions integer[] DEFAULT NULL
) RETURNS TABLE (invoice_id bigint, outcome text)
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
  SELECT * FROM invoicer_record_export(invoice_ids, system, reference, revisions, NULL)
$fn$
"""

PG_MARK_EXPORT_FAILED = """
CREATE FUNCTION invoicer_mark_export_failed(
  invoice_ids bigint[], system text, message text, revisions integer[] DEFAULT NULL
) RETURNS TABLE (invoice_id bigint, outcome text)
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
  SELECT * FROM invoicer_record_export(invoice_ids, system, NULL, revisions, coalesce(message, 'export failed'))
$fn$
"""

PG_FUNCTION_SIGNATURES = (
    "invoicer_mark_exported(bigint[], text, text, integer[])",
    "invoicer_mark_export_failed(bigint[], text, text, integer[])",
    "invoicer_record_export(bigint[], text, text, integer[], text)",
)


def upgrade() -> None:
    op.create_table(
        "change_clock",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_tick", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_change_clock_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_clock")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("original_path", sa.Text(), nullable=True),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_hint", sa.Text(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("export_system", sa.String(length=100), nullable=True),
        sa.Column("export_reference", sa.Text(), nullable=True),
        sa.Column("export_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'needs_review', 'approved', 'exported', 'export_failed', 'rejected', 'failed')",
            name=op.f("ck_documents_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("sha256", name=op.f("uq_documents_sha256")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index("ix_documents_status", ["status"], unique=False)
        batch_op.create_index("ix_documents_updated_at_id", ["updated_at", "id"], unique=False)

    op.create_table(
        "vendors",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=50), nullable=True),
        sa.Column("iban", sa.String(length=50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("name_key", name=op.f("uq_vendors_name_key")),
    )
    op.create_table(
        "extractions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("vendor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("vendor_match", sa.Text(), nullable=True),
        sa.Column("duplicate_key", sa.String(length=300), nullable=True),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_hint", sa.Text(), nullable=True),
        sa.Column("error_page", sa.Integer(), nullable=True),
        sa.Column(
            "notes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column(
            "document_json",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'auto_approved', 'needs_review', 'failed')", name=op.f("ck_extractions_status")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_extractions_document_id_documents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_extractions_vendor_id_vendors"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extractions")),
        sa.UniqueConstraint("document_id", "version", name=op.f("uq_extractions_document_id_version")),
    )
    with op.batch_alter_table("extractions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extractions_duplicate_key"), ["duplicate_key"], unique=False)
    op.create_table(
        "vendor_aliases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("vendor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("alias_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_vendor_aliases_vendor_id_vendors"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_aliases")),
        sa.UniqueConstraint("alias_key", name=op.f("uq_vendor_aliases_alias_key")),
    )
    with op.batch_alter_table("vendor_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vendor_aliases_vendor_id"), ["vendor_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("extraction_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("field", sa.String(length=50), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_audit_log_document_id_documents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["extraction_id"],
            ["extractions.id"],
            name=op.f("fk_audit_log_extraction_id_extractions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_document_id_at", ["document_id", "at"], unique=False)

    op.create_table(
        "fields",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("extraction_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("value_number", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("bbox_x0", sa.Float(), nullable=True),
        sa.Column("bbox_y0", sa.Float(), nullable=True),
        sa.Column("bbox_x1", sa.Float(), nullable=True),
        sa.Column("bbox_y1", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('model', 'rule', 'person')", name=op.f("ck_fields_source")),
        sa.ForeignKeyConstraint(
            ["extraction_id"], ["extractions.id"], name=op.f("fk_fields_extraction_id_extractions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fields")),
        sa.UniqueConstraint("extraction_id", "name", name=op.f("uq_fields_extraction_id_name")),
    )
    op.create_table(
        "line_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("extraction_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("tax_rate", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("raw", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("bbox_x0", sa.Float(), nullable=True),
        sa.Column("bbox_y0", sa.Float(), nullable=True),
        sa.Column("bbox_x1", sa.Float(), nullable=True),
        sa.Column("bbox_y1", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["extraction_id"],
            ["extractions.id"],
            name=op.f("fk_line_items_extraction_id_extractions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_items")),
        sa.UniqueConstraint("extraction_id", "position", name=op.f("uq_line_items_extraction_id_position")),
    )
    op.create_table(
        "validation_results",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("extraction_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.CheckConstraint("outcome IN ('pass', 'fail', 'skip')", name=op.f("ck_validation_results_outcome")),
        sa.ForeignKeyConstraint(
            ["extraction_id"],
            ["extractions.id"],
            name=op.f("fk_validation_results_extraction_id_extractions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_results")),
        sa.UniqueConstraint("extraction_id", "position", name=op.f("uq_validation_results_extraction_id_position")),
    )

    postgres = op.get_bind().dialect.name == "postgresql"
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    clock = sa.table("change_clock", sa.column("id", sa.Integer()), sa.column("last_tick", sa.DateTime(timezone=True)))
    op.bulk_insert(clock, [{"id": 1, "last_tick": epoch if postgres else epoch.replace(tzinfo=None)}])

    op.execute(_invoices_v1(postgres))
    op.execute(INVOICE_LINES_V1)
    if postgres:
        op.execute(PG_RECORD_EXPORT)
        op.execute(PG_MARK_EXPORTED)
        op.execute(PG_MARK_EXPORT_FAILED)
        for signature in PG_FUNCTION_SIGNATURES:  # functions are executable by PUBLIC unless revoked
            op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for signature in PG_FUNCTION_SIGNATURES:
            op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    op.execute("DROP VIEW IF EXISTS invoice_lines_v1")
    op.execute("DROP VIEW IF EXISTS invoices_v1")
    op.drop_table("validation_results")
    op.drop_table("line_items")
    op.drop_table("fields")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_document_id_at")

    op.drop_table("audit_log")
    with op.batch_alter_table("vendor_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vendor_aliases_vendor_id"))

    op.drop_table("vendor_aliases")
    with op.batch_alter_table("extractions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extractions_duplicate_key"))

    op.drop_table("extractions")
    op.drop_table("vendors")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_updated_at_id")
        batch_op.drop_index("ix_documents_status")

    op.drop_table("documents")
    op.drop_table("change_clock")
