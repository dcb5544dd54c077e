import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Creating and changing documents: each write is one transaction holding the document, its lines and
/// its amounts, so a failure leaves nothing half-written.
extension DocumentsRepository {
    /// A create's outcome: the document, and whether an earlier create with the same idempotency key made
    /// it (the caller answers the same 201 either way).
    struct Created: Sendable {
        var document: FinanceDocument
        var replayed: Bool
    }

    /// `key` is the idempotency key (`Idempotency-Key` or `sourceRef`). With one, the unique index on
    /// (company, kind, source, source_ref) decides which of any number of concurrent creates wins; the
    /// others find its row and answer it if they sent the same request, or 409 `idempotency_conflict`.
    func create(companyID: UUID, kind: DocumentKind, createdBy: UUID?, _ input: CreateDocument, key: String?) async throws -> Created {
        let amounts = try DocumentAmounts(input.lines ?? [])
        let party = input.party(kind)
        let status = input.status ?? "draft"
        let source = input.source ?? DocumentSource.manual
        let request = key == nil ? nil : String(decoding: try JSONCoding.encoder.encode(input), as: UTF8.self)
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection in
                let inserted = try await connection.query("""
                    INSERT INTO finance_documents AS d (company_id, kind, status, number, party_name, party_ref, party_email, currency,
                        issue_date, due_date, subtotal_minor, tax_minor, total_minor, source, source_ref, source_request, notes,
                        account_id, created_by, issued_at)
                    VALUES (\(companyID), \(kind.rawValue), \(status), \(input.number), \(party.name ?? ""), \(party.ref), \(party.email),
                        \(input.currency ?? ""),
                        CASE WHEN \(status) = 'issued' THEN COALESCE(\(input.issueDate)::date, (now() AT TIME ZONE 'UTC')::date)
                             ELSE \(input.issueDate)::date END,
                        \(input.dueDate)::date, \(amounts.subtotal), \(amounts.tax), \(amounts.total), \(source), \(key),
                        \(request)::jsonb, \(input.notes), \(input.accountId), \(createdBy), CASE WHEN \(status) = 'issued' THEN now() END)
                    ON CONFLICT (company_id, kind, source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING
                    RETURNING d.id
                    """, logger: logger).first { try $0.decode(UUID.self) }
                if let id = inserted {
                    try await Self.insertLines(amounts.lines, companyID: companyID, documentID: id, on: connection, logger: logger)
                    return Created(document: try await read(companyID: companyID, id: id, on: connection), replayed: false)
                }
                // The key was used before: the same request gets the same answer, another one is refused. Nulls
                // are stripped on both sides: a copy stored before the wire encoder wrote absent optionals as null
                // is the same request as its retry now.
                guard let (id, same) = try await connection.query("""
                    SELECT id, jsonb_strip_nulls(source_request) = jsonb_strip_nulls(\(request)::jsonb) FROM finance_documents
                    WHERE company_id = \(companyID) AND kind = \(kind.rawValue) AND source = \(source) AND source_ref = \(key)
                    """, logger: logger).first({ try $0.decode((UUID, Bool).self) }) else {
                    throw APIError.conflict("idempotency_conflict", "The idempotency key is in use; retry.")
                }
                guard same else {
                    throw APIError.conflict("idempotency_conflict",
                                            "This idempotency key was used with another request; send the same request or a new key.",
                                            info: ["id": .uuid(id)])
                }
                return Created(document: try await read(companyID: companyID, id: id, on: connection), replayed: true)
            }
        }
    }

    /// The document with its lines and payments, on the transaction's connection.
    func read(companyID: UUID, id: UUID, on connection: PostgresConnection) async throws -> FinanceDocument {
        try await get(companyID: companyID, kind: nil, id: id, on: connection).orNotFound("document")
    }

    /// Applies a patch under the row lock: the status machine, draft-only fields, void only without
    /// payments; new lines replace the old and the amounts follow. Nil when there is no such document.
    func update(companyID: UUID, kind: DocumentKind, id: UUID, _ p: DocumentPatch) async throws -> FinanceDocument? {
        let amounts = try p.lines.value.map { try DocumentAmounts($0) }
        let party = p.party(kind)
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection in
                guard let current = try await connection.query("""
                    SELECT \(unescaped: Self.columns), EXISTS (SELECT 1 FROM finance_payments p
                        WHERE p.company_id = d.company_id AND p.document_id = d.id) AS has_payments
                    FROM finance_documents d WHERE d.company_id = \(companyID) AND d.kind = \(kind.rawValue) AND d.id = \(id) FOR UPDATE
                    """, logger: logger).first({ (try Self.decode($0), try Columns($0)("has_payments", as: Bool.self)) })
                else { return nil }
                let (document, hasPayments) = current
                if document.status == "void" {
                    throw APIError.conflict("document_void", "A void \(kind.what) cannot change.")
                }
                let target = p.status.value ?? document.status
                try DocumentStatus.check(from: document.status, to: target)
                if target == "void", hasPayments {
                    throw APIError.conflict("document_has_payments", "An \(kind.what) with payments cannot be voided; refund them instead.")
                }
                let locked = p.draftOnlyFields(kind)
                if !locked.isEmpty, document.status != "draft" {
                    throw APIError.conflict("document_not_editable", "Only a draft's lines, currency, \(kind.party) and issue date can change.",
                                            info: ["status": .string(document.status), "fields": .array(locked.map(JSONValue.string))])
                }
                // An invoice issued without a date is dated the day it is issued.
                let issuing = target == "issued" && document.status == "draft"
                try await connection.query("""
                    UPDATE finance_documents SET
                        status = \(target),
                        number = CASE WHEN \(p.number.clears) THEN NULL ELSE COALESCE(\(p.number.value), number) END,
                        party_name = COALESCE(\(party.name.value), party_name),
                        party_ref = CASE WHEN \(party.ref.clears) THEN NULL ELSE COALESCE(\(party.ref.value), party_ref) END,
                        party_email = CASE WHEN \(party.email.clears) THEN NULL ELSE COALESCE(\(party.email.value), party_email) END,
                        currency = COALESCE(\(p.currency.value), currency),
                        issue_date = COALESCE(CASE WHEN \(p.issueDate.clears) THEN NULL ELSE COALESCE(\(p.issueDate.value)::date, issue_date) END,
                                              CASE WHEN \(issuing) THEN (now() AT TIME ZONE 'UTC')::date END),
                        due_date = CASE WHEN \(p.dueDate.clears) THEN NULL ELSE COALESCE(\(p.dueDate.value)::date, due_date) END,
                        subtotal_minor = COALESCE(\(amounts?.subtotal), subtotal_minor),
                        tax_minor = COALESCE(\(amounts?.tax), tax_minor),
                        total_minor = COALESCE(\(amounts?.total), total_minor),
                        notes = CASE WHEN \(p.notes.clears) THEN NULL ELSE COALESCE(\(p.notes.value), notes) END,
                        account_id = CASE WHEN \(p.accountId.clears) THEN NULL ELSE COALESCE(\(p.accountId.value), account_id) END,
                        issued_at = CASE WHEN \(issuing) THEN now() ELSE issued_at END,
                        voided_at = CASE WHEN \(target) = 'void' THEN now() ELSE voided_at END,
                        updated_at = now()
                    WHERE company_id = \(companyID) AND id = \(id)
                    """, logger: logger)
                if let amounts {
                    try await connection.query("""
                        DELETE FROM finance_document_lines WHERE company_id = \(companyID) AND document_id = \(id)
                        """, logger: logger)
                    try await Self.insertLines(amounts.lines, companyID: companyID, documentID: id, on: connection, logger: logger)
                }
                return try await read(companyID: companyID, id: id, on: connection)
            }
        }
    }
}
