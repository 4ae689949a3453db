"""Rows for the list benches and the load generator, made by PostgreSQL itself (INSERT … SELECT over
generate_series): a million rows of a list in seconds, not the minutes Python would spend on them.

Every list of a centre gets `rows` rows: dossiers (and their beneficiaries), documents (ten a dossier),
the audit trail, CPAS Online requests (unread: the list's default), centre e-Box messages and eBox
publications, their dates spread over six years in an order unlike their ids'. PostgreSQL only.
"""

from django.db import connection

YEARS = 6
LAST_NAMES = ["Dupont", "Janssens", "Peeters", "Maes", "Lambert", "Dubois", "Mertens", "El Amrani"]
FIRST_NAMES = ["Marie", "Jean", "Fatima", "Luc", "Sofia", "Mohamed", "Anne", "Kevin"]
TABLES = (
    "dossiers_person",
    "dossiers_dossier",
    "documents_document",
    "primaweb_auditevent",
    "cpasonline_onlinerequest",
    "centrebox_centremessage",
    "ebox_publication",
)


def _when(rows: int) -> str:
    # Spread over YEARS; (g * 7919) % rows scrambles the dates against the insertion (id) order.
    return f"now() - ((g::bigint * 7919) % {rows}) * interval '{YEARS * 365 * 86400 / rows:.6f} seconds'"


def _array(values) -> str:
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def fill(*, centre, user, document_type, rows: int, dossiers: int | None = None, only=None) -> None:
    """Adds `rows` rows to each list of `centre` (`dossiers` of them to the dossiers: `rows` unless
    given), documents ten a dossier; `only`: some of dossiers, documents, audit, cpasonline, centrebox,
    ebox."""
    c, u, t, when = centre.pk, user.pk, document_type.pk, _when(rows)
    names, firsts = _array(LAST_NAMES), _array(FIRST_NAMES)
    dossiers = dossiers or rows
    statements = {
        "dossiers": [
            f"""INSERT INTO dossiers_person (niss, last_name, first_names, birth_date, gender, civil_state,
                nationality_code, register, birth_place, decease_date, legal_street, legal_house_number,
                legal_box, legal_postal_code, legal_municipality, legal_municipality_code, legal_country,
                effective_street, effective_house_number, effective_box, effective_postal_code,
                effective_locality, effective_country, bcss_consulted_at, language, centre_id)
            SELECT lpad(g::text, 11, '0'), ({names})[1 + g % 8], ({firsts})[1 + g % 7], '1985-07-30',
                '2', '', '', '', '', '', '', '', '', '', '', '', '', 'Rue de Fer', (1 + g % 200)::text, '',
                '5000', 'Namur', '', now(), '', {c}
            FROM generate_series(1, {dossiers}) g""",
            f"""INSERT INTO dossiers_dossier (number, created_at, centre_id, created_by_id, beneficiary_id,
                closing_reason, integration_state, integration_error)
            SELECT 'B' || lpad(g::text, 10, '0'), {when}, {c}, {u}, id, '', 'integrated', ''
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS g FROM dossiers_person WHERE centre_id = {c})
                AS p""",
        ],
        "documents": [
            f"""INSERT INTO documents_document (storage_key, status, version, original_name,
                original_extension, content_type, size, sha256, original, pdf, failure_reason, uploaded_at,
                centre_id, dossier_id, uploaded_by_id, document_type_id, conversion_crashes,
                conversion_errors, conversion_timeouts, pages, send_state, failure)
            SELECT gen_random_uuid(),
                (ARRAY['registered', 'registered', 'sent', 'read', 'failed'])[1 + g % 5],
                1, 'decision-' || g || '.pdf', 'pdf', 'application/pdf', 120000, md5(g::text) || md5(g::text),
                'documents/{c}/' || g || '/original.pdf', 'documents/{c}/' || g || '/original.pdf', '',
                {when}, {c}, d.first + g % {max(min(rows // 10, dossiers), 1)}, {u}, {t}, 0, 0, 0, 1,
                '', '{{}}'::jsonb
            FROM generate_series(1, {rows}) g,
                (SELECT min(id) AS first FROM dossiers_dossier WHERE centre_id = {c}) d""",
        ],
        "audit": [
            f"""INSERT INTO primaweb_auditevent (username, action, object_type, object_id, object_repr,
                details, at, centre_id, user_id)
            SELECT 'agent' || g % 50, 'view', 'dossiers.Dossier', g::text, 'Dossier ' || g, '{{}}'::jsonb,
                {when}, {c}, {u}
            FROM generate_series(1, {rows}) g""",
        ],
        "cpasonline": [
            f"""INSERT INTO cpasonline_onlinerequest (reference, submitted_at, received_on, language,
                identity_source, first_name, last_name, birth_date, niss, register, email, phone, street,
                house_number, box, postal_code, commune_nis, reference_address, nature, description,
                lives_at_residence, is_student, in_facility, acknowledgement, centre_id,
                acknowledgement_attempts, acknowledgement_error)
            SELECT 'C' || lpad('{c}', 3, '0') || lpad(g::text, 8, '0'), {when}, current_date, 'fr',
                'applicant', ({firsts})[1 + g % 7], ({names})[1 + g % 8], '', '', '', 'x@example.be', '',
                '', '', '', '5000', '92094', '', 'energy', '', '', '', '', '', {c}, 0, ''
            FROM generate_series(1, {rows}) g""",
        ],
        "centrebox": [
            f"""INSERT INTO centrebox_centremessage (message_id, message_type, subject, language, sender,
                sender_is_citizen, sender_application, received_at, original_message_id, body,
                body_media_type, imported_at, centre_id)
            SELECT 'M' || g, (ARRAY['SPPIS_INFORMATION', 'CPAS_INFORMATION', 'CPAS_DECISION'])[1 + g % 3],
                'Information ' || g, 'fr', '0123456749', false, '', {when}, '', '', '', now(), {c}
            FROM generate_series(1, {rows}) g""",
        ],
        "ebox": [
            f"""INSERT INTO ebox_publication (recipient_niss, language, subject, idempotency_key, state,
                message_id, expiration_date, attempts, last_error, requested_at, centre_id, document_id,
                requested_by_id, failure)
            SELECT '85073003328', 'fr', 'Décision', gen_random_uuid(), 'sent', 'P' || g, '', 1, '', {when},
                {c}, d.first, {u}, '{{}}'::jsonb
            FROM generate_series(1, {rows}) g,
                (SELECT min(id) AS first FROM documents_document WHERE centre_id = {c}) d""",
        ],
    }
    wanted = only or statements.keys()
    with connection.cursor() as cursor:
        for name, sqls in statements.items():
            if name in wanted:
                for sql in sqls:
                    cursor.execute(sql)


def without_autovacuum() -> None:
    """The tables stay as loaded (ANALYZE only): the pages must not need a VACUUM to be fast."""
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def analyze() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
