import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Filters of `GET /api/income` and `GET /api/bills`.
struct DocumentFilter: Sendable {
    /// Exactly these documents (at most a page of them): how Venue refreshes a page of deposits at once.
    var ids: [UUID]?
    var status: String?
    /// The counterparty: its exact reference, or a part of its name.
    var party: String?
    var source: String?
    var sourceRef: String?
    var currency: String?
    var overdue: Bool?
    var issuedFrom: String?
    var issuedTo: String?
    var dueFrom: String?
    var dueTo: String?
}

/// Income invoices and bills, always within one company and one kind.
struct DocumentsRepository: Sendable {
    let database: Database

    static let columns = """
        d.id, d.company_id, d.kind, d.status, d.number, d.party_name, d.party_ref, d.party_email, d.currency,
        to_char(d.issue_date, 'YYYY-MM-DD') AS issue_date, to_char(d.due_date, 'YYYY-MM-DD') AS due_date,
        d.subtotal_minor, d.tax_minor, d.total_minor, d.paid_minor, d.source, d.source_ref, d.notes, d.account_id, d.created_by,
        d.created_at, d.updated_at, d.issued_at, d.voided_at,
        COALESCE(d.status IN ('issued', 'partially_paid') AND d.due_date < (now() AT TIME ZONE 'UTC')::date, false) AS overdue
        """

    static let constraints = ConstraintMessages([
        "finance_documents_due_after_issue": .validation(field: "dueDate", code: "before_issue", message: "dueDate cannot be before issueDate."),
        "finance_documents_account_fk": .validation(field: "accountId", code: "account_not_found", message: "The company has no such account."),
    ])

    static func decode(_ row: PostgresRow) throws -> FinanceDocument {
        let c = Columns(row)
        let kind = DocumentKind(rawValue: try c("kind")) ?? .income
        return FinanceDocument(
            id: try c("id"), companyId: try c("company_id"), kind: kind, status: try c("status"), overdue: try c("overdue"),
            number: try c("number"), partyName: try c("party_name"), partyRef: try c("party_ref"), partyEmail: try c("party_email"),
            currency: try c("currency"), issueDate: try c("issue_date"), dueDate: try c("due_date"), lines: [],
            subtotalMinor: try c("subtotal_minor"), taxMinor: try c("tax_minor"), totalMinor: try c("total_minor"),
            paidMinor: try c("paid_minor"), source: try c("source"), sourceRef: try c("source_ref"), notes: try c("notes"),
            accountId: try c("account_id"), createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"),
            issuedAt: try c("issued_at"), voidedAt: try c("voided_at"), payments: nil)
    }

    // MARK: Reads

    func list(companyID: UUID, kind: DocumentKind, _ f: DocumentFilter, page: PageRequest) async throws -> (items: [FinanceDocument], total: Int) {
        let pattern = SQLPattern.contains(f.party)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM finance_documents d
            WHERE d.company_id = \(companyID) AND d.kind = \(kind.rawValue)
              AND (\(f.ids)::uuid[] IS NULL OR d.id = ANY(\(f.ids)::uuid[]))
              AND (\(f.status)::text IS NULL OR d.status = \(f.status))
              AND (\(f.party)::text IS NULL OR d.party_ref = \(f.party) OR d.party_name ILIKE \(pattern))
              AND (\(f.source)::text IS NULL OR d.source = \(f.source))
              AND (\(f.sourceRef)::text IS NULL OR d.source_ref = \(f.sourceRef))
              AND (\(f.currency)::text IS NULL OR d.currency = \(f.currency))
              AND (\(f.issuedFrom)::date IS NULL OR d.issue_date >= \(f.issuedFrom)::date)
              AND (\(f.issuedTo)::date IS NULL OR d.issue_date <= \(f.issuedTo)::date)
              AND (\(f.dueFrom)::date IS NULL OR d.due_date >= \(f.dueFrom)::date)
              AND (\(f.dueTo)::date IS NULL OR d.due_date <= \(f.dueTo)::date)
              AND (\(f.overdue)::bool IS NULL OR \(f.overdue) = (d.status IN ('issued', 'partially_paid')
                   AND d.due_date IS NOT NULL AND d.due_date < (now() AT TIME ZONE 'UTC')::date))
            \(unescaped: suffix)
            """
        }
        let (items, total) = try await database.page(query, columns: Self.columns, orderBy: "ORDER BY d.created_at DESC, d.id DESC", page: page,
                                                      decode: Self.decode)
        return (try await withLines(items, companyID: companyID, on: nil), total)
    }

    /// One document with its lines and payments; `kind` nil takes either kind (inside a write that already
    /// checked it), `connection` nil reads on the pool.
    func get(companyID: UUID, kind: DocumentKind?, id: UUID, on connection: PostgresConnection? = nil) async throws -> FinanceDocument? {
        guard let document = try await run("""
            SELECT \(unescaped: Self.columns) FROM finance_documents d
            WHERE d.company_id = \(companyID) AND d.id = \(id) AND (\(kind?.rawValue)::text IS NULL OR d.kind = \(kind?.rawValue))
            """, on: connection).first(Self.decode) else { return nil }
        var detailed = try await withLines([document], companyID: companyID, on: connection).first ?? document
        detailed.payments = try await PaymentsRepository(database: database).list(companyID: companyID, documentID: id, on: connection)
        return detailed
    }

    /// The documents with their lines, read in one statement for the whole page (never one per document).
    func withLines(_ documents: [FinanceDocument], companyID: UUID, on connection: PostgresConnection?) async throws -> [FinanceDocument] {
        guard !documents.isEmpty else { return documents }
        let ids = documents.map(\.id)
        let query: PostgresQuery = """
            SELECT document_id, description, quantity, unit_minor, tax_rate_bp, net_minor, tax_minor FROM finance_document_lines
            WHERE company_id = \(companyID) AND document_id = ANY(\(ids)) ORDER BY document_id, position
            """
        let rows = try await run(query, on: connection).collect { row -> (UUID, DocumentLine) in
            let c = Columns(row)
            return (try c("document_id"), DocumentLine(description: try c("description"), quantity: try c("quantity"),
                                                       unitMinor: try c("unit_minor"), taxRateBp: try c("tax_rate_bp"),
                                                       netMinor: try c("net_minor"), taxMinor: try c("tax_minor")))
        }
        let byDocument = Dictionary(grouping: rows, by: \.0)
        return documents.map { document in
            var document = document
            document.lines = byDocument[document.id]?.map(\.1) ?? []
            return document
        }
    }

    func run(_ query: PostgresQuery, on connection: PostgresConnection?) async throws -> QueryRows {
        if let connection { return try await QueryRows(reading: connection.query(query, logger: database.logger)) }
        return try await database.query(query)
    }

    static func insertLines(_ lines: [DocumentLine], companyID: UUID, documentID: UUID, on connection: PostgresConnection,
                            logger: Logger) async throws {
        let positions = (0..<lines.count).map { $0 + 1 }
        try await connection.query("""
            INSERT INTO finance_document_lines (company_id, document_id, position, description, quantity, unit_minor, tax_rate_bp,
                                                net_minor, tax_minor)
            SELECT \(companyID), \(documentID), * FROM unnest(\(positions)::int[], \(lines.map(\.description))::text[],
                \(lines.map(\.quantity))::int[], \(lines.map(\.unitMinor))::bigint[], \(lines.map(\.taxRateBp))::int[],
                \(lines.map(\.netMinor))::bigint[], \(lines.map(\.taxMinor))::bigint[])
            """, logger: logger)
    }
}
