import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The company's Finance connection and its sync totals.
struct IntegrationsFinanceRepository: Sendable {
    let database: Database

    static let columns = """
        c.connected_by, c.connected_at, c.income_account_id, c.expense_account_id, c.issue_invoices, c.issue_bills, c.updated_at
        """

    static func decode(_ row: PostgresRow) throws -> FinanceConnection {
        let c = Columns(row)
        return FinanceConnection(connectedBy: try c("connected_by"), connectedAt: try c("connected_at"),
                                 incomeAccountId: try c("income_account_id"), expenseAccountId: try c("expense_account_id"),
                                 issueInvoices: try c("issue_invoices"), issueBills: try c("issue_bills"), updatedAt: try c("updated_at"))
    }

    func connection(companyID: UUID) async throws -> FinanceConnection? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM finance_connections c WHERE c.company_id = \(companyID)
            """).first(Self.decode)
    }

    /// Connects the company, or replaces the settings of its connection (who connected it and when stay).
    func connect(companyID: UUID, userID: UUID, _ body: ConnectFinance) async throws -> FinanceConnection? {
        try await database.query("""
            INSERT INTO finance_connections AS c (company_id, connected_by, income_account_id, expense_account_id, issue_invoices, issue_bills)
            VALUES (\(companyID), \(userID), \(body.incomeAccountId), \(body.expenseAccountId), \(body.issueInvoices ?? false),
                    \(body.issueBills ?? false))
            ON CONFLICT (company_id) DO UPDATE SET
                income_account_id = EXCLUDED.income_account_id, expense_account_id = EXCLUDED.expense_account_id,
                issue_invoices = EXCLUDED.issue_invoices, issue_bills = EXCLUDED.issue_bills, updated_at = clock_timestamp()
            RETURNING \(unescaped: Self.columns)
            """).first(Self.decode)
    }

    /// False when the company was not connected.
    func disconnect(companyID: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM finance_connections WHERE company_id = \(companyID) RETURNING company_id
            """).first { _ in true } ?? false
    }

    /// One pass over the company's sync rows.
    func counts(companyID: UUID) async throws -> FinanceSyncCounts {
        try await database.query("""
            SELECT count(*) FILTER (WHERE s.status = 'queued') AS queued,
                   count(*) FILTER (WHERE s.status = 'delivered') AS delivered,
                   count(*) FILTER (WHERE s.status = 'failed') AS failed,
                   (array_agg(s.last_error ORDER BY s.last_error_at DESC) FILTER (WHERE s.last_error IS NOT NULL))[1] AS last_error,
                   max(s.last_error_at) AS last_error_at, max(s.delivered_at) AS last_synced_at
            FROM finance_sync_lines s WHERE s.company_id = \(companyID)
            """).first { row in
            let c = Columns(row)
            return FinanceSyncCounts(queued: try c("queued"), delivered: try c("delivered"), failed: try c("failed"),
                                     lastError: try c("last_error"), lastErrorAt: try c("last_error_at"), lastSyncedAt: try c("last_synced_at"))
        } ?? FinanceSyncCounts(queued: 0, delivered: 0, failed: 0)
    }
}
