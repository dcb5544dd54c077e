import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Payments and refunds. Each one locks its document, checks the money and moves the document's paid
/// total and status in the same transaction; the table's constraints refuse any other outcome.
struct PaymentsRepository: Sendable {
    let database: Database

    static let columns = """
        p.id, p.document_id, p.amount_minor, p.currency, p.paid_at, p.method, p.reference, p.note, p.created_by, p.created_at
        """

    static func decode(_ row: PostgresRow) throws -> Payment {
        let c = Columns(row)
        return Payment(id: try c("id"), documentId: try c("document_id"), amountMinor: try c("amount_minor"), currency: try c("currency"),
                       paidAt: try c("paid_at"), method: try c("method"), reference: try c("reference"), note: try c("note"),
                       createdBy: try c("created_by"), createdAt: try c("created_at"))
    }

    func list(companyID: UUID, documentID: UUID, on connection: PostgresConnection?) async throws -> [Payment] {
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.columns) FROM finance_payments p
            WHERE p.company_id = \(companyID) AND p.document_id = \(documentID) ORDER BY p.paid_at, p.created_at, p.id
            """
        if let connection { return try await connection.query(query, logger: database.logger).collect(Self.decode) }
        return try await database.query(query).collect(Self.decode)
    }

    /// The company's payments and refunds across documents, newest first, each with its document's kind
    /// (`GET /api/payments`).
    func list(companyID: UUID, _ f: PaymentFilter, page: PageRequest) async throws -> (items: [PaymentListItem], total: Int) {
        try await database.page({ select, suffix in
            """
            SELECT \(unescaped: select) FROM finance_payments p
            JOIN finance_documents d ON d.company_id = p.company_id AND d.id = p.document_id
            WHERE p.company_id = \(companyID)
              AND (\(f.kind)::text IS NULL OR d.kind = \(f.kind))
              AND (\(f.documentId)::uuid IS NULL OR p.document_id = \(f.documentId))
              AND (\(f.currency)::text IS NULL OR p.currency = \(f.currency))
              AND (\(f.method)::text IS NULL OR p.method = \(f.method))
              AND (\(f.paidFrom)::date IS NULL OR p.paid_at >= (\(f.paidFrom)::date)::timestamp AT TIME ZONE 'UTC')
              AND (\(f.paidTo)::date IS NULL OR p.paid_at < ((\(f.paidTo)::date) + 1)::timestamp AT TIME ZONE 'UTC')
            \(unescaped: suffix)
            """
        }, columns: Self.columns + ", d.kind AS document_kind, d.party_name AS document_party",
           orderBy: "ORDER BY p.paid_at DESC, p.id DESC", page: page) { row in
            let c = Columns(row)
            return PaymentListItem(payment: try Self.decode(row), documentKind: try c("document_kind"), partyName: try c("document_party"))
        }
    }

    /// Nil when the company has no such document of this kind. With `key`, a payment already recorded under
    /// it for this document is answered again (`replayed`) when the request is the same, and refused (409
    /// `idempotency_conflict`) when it is not; the document's row lock makes the check and the insert one step.
    func create(companyID: UUID, kind: DocumentKind, documentID: UUID, createdBy: UUID?, _ input: CreatePayment,
                key: String?) async throws -> (receipt: PaymentReceipt, replayed: Bool)? {
        let documents = DocumentsRepository(database: database)
        let logger = database.logger
        let request = key == nil ? nil : String(decoding: try JSONCoding.encoder.encode(input), as: UTF8.self)
        return try await database.transaction { connection in
            guard let document = try await connection.query("""
                SELECT \(unescaped: DocumentsRepository.columns) FROM finance_documents d
                WHERE d.company_id = \(companyID) AND d.kind = \(kind.rawValue) AND d.id = \(documentID) FOR UPDATE
                """, logger: logger).first(DocumentsRepository.decode) else { return nil }
            // Nulls stripped on both sides: a copy stored before the wire encoder wrote absent optionals as null is
            // the same request as its retry now.
            if let key, let (earlier, same) = try await connection.query("""
                SELECT \(unescaped: Self.columns), jsonb_strip_nulls(p.request) = jsonb_strip_nulls(\(request)::jsonb) AS same
                FROM finance_payments p
                WHERE p.company_id = \(companyID) AND p.document_id = \(documentID) AND p.idempotency_key = \(key)
                """, logger: logger).first({ (try Self.decode($0), try Columns($0)("same", as: Bool.self)) }) {
                guard same else {
                    throw APIError.conflict("idempotency_conflict",
                                            "This idempotency key was used with another payment; send the same request or a new key.",
                                            info: ["id": .uuid(earlier.id)])
                }
                return (PaymentReceipt(payment: earlier, document: try await documents.read(companyID: companyID, id: documentID,
                                                                                             on: connection)), true)
            }
            let amount = input.amountMinor ?? 0
            try Self.check(amount, currency: input.currency, against: document, kind: kind)
            // Both are at most 10^15 in magnitude: the sum cannot overflow.
            let paid = document.paidMinor + amount
            let payment = try await connection.query("""
                INSERT INTO finance_payments AS p (company_id, document_id, amount_minor, currency, paid_at, method, reference, note,
                                                   idempotency_key, request, created_by)
                VALUES (\(companyID), \(documentID), \(amount), \(document.currency), COALESCE(\(input.paidAt), now()),
                        \(input.method ?? "other"), \(input.reference), \(input.note), \(key), \(request)::jsonb, \(createdBy))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode)
            try await connection.query("""
                UPDATE finance_documents SET paid_minor = \(paid), status = \(DocumentStatus.forPaid(paid, total: document.totalMinor)),
                    updated_at = now()
                WHERE company_id = \(companyID) AND id = \(documentID)
                """, logger: logger)
            guard let payment else { throw APIError(.internalServerError, code: "internal_error", message: "The payment was not recorded.") }
            return (PaymentReceipt(payment: payment, document: try await documents.read(companyID: companyID, id: documentID,
                                                                                        on: connection)), false)
        }
    }

    /// The rules a payment must pass against the locked document.
    static func check(_ amount: Int64, currency: String?, against document: FinanceDocument, kind: DocumentKind) throws {
        switch document.status {
        case "void": throw APIError.conflict("document_void", "A void \(kind.what) takes no payments.")
        case "draft": throw APIError.conflict("document_not_issued", "Issue the \(kind.what) before recording payments.")
        default: break
        }
        if let currency, currency != document.currency {
            throw APIError.validation(field: "currency", code: "currency_mismatch", message: "The \(kind.what) is in \(document.currency).")
        }
        let outstanding = document.totalMinor - document.paidMinor
        if amount > outstanding {
            throw APIError.validation(field: "amountMinor", code: "overpayment", message: "At most \(outstanding) is outstanding.")
        }
        if amount < 0, -amount > document.paidMinor {
            throw APIError.validation(field: "amountMinor", code: "refund_exceeds_paid", message: "At most \(document.paidMinor) can be refunded.")
        }
    }
}
