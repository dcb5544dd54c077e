import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Payments against income lines (0017's `event_income_payments`). Every write locks its income line
/// (`SELECT … FOR UPDATE`) and moves `paid_minor` in the same transaction, so concurrent payments take turns
/// and the line's paid total is always the sum of its payments and never above its amount (the CHECK
/// `event_income_paid_check` is the last word).
struct IncomePaymentsRepository: Sendable {
    let database: Database

    static let columns = """
        p.id, p.income_id, p.amount_minor, p.currency::text AS currency, p.paid_on::text AS paid_on, p.method, p.reference,
        p.idempotency_key, p.created_by, p.created_at
        """

    static func decode(_ row: PostgresRow) throws -> IncomePayment {
        let c = Columns(row)
        return IncomePayment(
            id: try c("id"), incomeId: try c("income_id"), amountMinor: try c("amount_minor"), currency: try c("currency"),
            paidOn: try c("paid_on"), method: try c("method"), reference: try c("reference"), idempotencyKey: try c("idempotency_key"),
            createdBy: try c("created_by"), createdAt: try c("created_at"))
    }

    /// A page of the line's payments (by day paid); nil when the company has no such line.
    func list(companyID: UUID, incomeID: UUID, page: PageRequest) async throws -> (items: [IncomePayment], total: Int)? {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM event_income_payments p
            WHERE p.company_id = \(companyID) AND p.income_id = \(incomeID)
            \(unescaped: suffix)
            """
        }
        let result = try await database.page(query, columns: Self.columns, orderBy: "ORDER BY p.paid_on, p.created_at, p.id", page: page,
                                             decode: Self.decode)
        if result.total == 0, try await !EventIncomeRepository(database: database).exists(companyID: companyID, id: incomeID) { return nil }
        return result
    }

    /// Records a payment; nil when the company has no such line. With `key`, a payment already recorded under it for
    /// this line is answered again (`replayed`) when the body is the same and refused (409 `idempotency_conflict`)
    /// when it is not: the line's lock makes "is there one under this key?" and the insert one step.
    func create(companyID: UUID, incomeID: UUID, userID: UUID, _ body: PaymentInput, key: String?)
        async throws -> (receipt: IncomePaymentReceipt, replayed: Bool)? {
        let logger = database.logger
        return try await database.transaction { connection -> (receipt: IncomePaymentReceipt, replayed: Bool)? in
            guard let (amount, paid, currency) = try await connection.query("""
                SELECT amount_minor, paid_minor, currency::text FROM event_income
                WHERE company_id = \(companyID) AND id = \(incomeID) FOR UPDATE
                """, logger: logger).first({ try $0.decode((Int64, Int64, String).self) }) else { return nil }
            if let key, let earlier = try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM event_income_payments p
                WHERE p.company_id = \(companyID) AND p.income_id = \(incomeID) AND p.idempotency_key = \(key)
                """, logger: logger).first(Self.decode) {
                guard body.isSame(as: earlier) else {
                    throw APIError.conflict("idempotency_conflict",
                                            "This idempotency key was used with another payment; send the same request or a new key.",
                                            info: ["id": .uuid(earlier.id)])
                }
                return try await Self.receipt(connection, companyID: companyID, payment: earlier, logger).map { (receipt: $0, replayed: true) }
            }
            if let sent = body.currency, sent != currency {
                throw APIError.validation(field: "currency", code: "currency_mismatch", message: "The income line is in \(currency).")
            }
            let value = body.amountMinor ?? 0
            // Both are at most 10^15: the difference cannot overflow.
            let outstanding = amount - paid
            guard value <= outstanding else {
                throw APIError(.unprocessableContent, code: "overpayment", message: "At most \(outstanding) \(currency) is outstanding.",
                               details: [FieldIssue(field: "amountMinor", code: "overpayment", message: "At most \(outstanding) is outstanding.")],
                               info: ["outstandingMinor": .number(Double(outstanding))])
            }
            guard let payment = try await connection.query("""
                INSERT INTO event_income_payments AS p (company_id, income_id, amount_minor, currency, paid_on, method, reference,
                                                        idempotency_key, created_by)
                VALUES (\(companyID), \(incomeID), \(value), \(currency), \(body.paidOn)::date, \(body.method), \(body.trimmedReference),
                        \(key), \(userID))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).first(Self.decode) else { throw APIError.internalError }
            try await connection.query("""
                UPDATE event_income SET paid_minor = paid_minor + \(value), updated_at = clock_timestamp()
                WHERE company_id = \(companyID) AND id = \(incomeID)
                """, logger: logger)
            return try await Self.receipt(connection, companyID: companyID, payment: payment, logger).map { (receipt: $0, replayed: false) }
        }
    }

    /// Removes a payment of this line and takes it off the line's paid total, under the line's lock. False when
    /// the company has no such line or the line no such payment.
    func delete(companyID: UUID, incomeID: UUID, id: UUID) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection -> Bool in
            guard try await connection.query("""
                SELECT 1 FROM event_income WHERE company_id = \(companyID) AND id = \(incomeID) FOR UPDATE
                """, logger: logger).first({ _ in true }) != nil else { return false }
            guard let amount = try await connection.query("""
                DELETE FROM event_income_payments WHERE company_id = \(companyID) AND income_id = \(incomeID) AND id = \(id)
                RETURNING amount_minor
                """, logger: logger).first({ try $0.decode(Int64.self) }) else { return false }
            try await connection.query("""
                UPDATE event_income SET paid_minor = paid_minor - \(amount), updated_at = clock_timestamp()
                WHERE company_id = \(companyID) AND id = \(incomeID)
                """, logger: logger)
            return true
        }
    }

    private static func receipt(_ connection: PostgresConnection, companyID: UUID, payment: IncomePayment,
                                _ logger: Logger) async throws -> IncomePaymentReceipt? {
        guard let income = try await EventIncomeRepository.get(connection, companyID: companyID, id: payment.incomeId, logger) else { return nil }
        return IncomePaymentReceipt(payment: payment, income: income)
    }
}
