import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Every statement of the Xero group (migration 0023): connect states, the company's connection with its sealed
/// tokens, and the links from income lines to pushed invoices. Tokens arrive and leave sealed (`XeroSession` seals
/// and opens them); nothing here sees a token in the clear.
struct XeroRepository: Sendable {
    let database: Database

    // MARK: Connect states

    /// Stores a connect attempt (dropping the company's expired ones) and answers when it expires.
    func createState(companyID: UUID, id: UUID, userID: UUID, stateDigest: Data, sealedVerifier: Data, lifetime: Int) async throws -> Date {
        try await database.query("""
            WITH purge AS (DELETE FROM xero_oauth_states WHERE company_id = \(companyID) AND expires_at < clock_timestamp())
            INSERT INTO xero_oauth_states (company_id, id, user_id, state_sha256, code_verifier, expires_at)
            VALUES (\(companyID), \(id), \(userID), \(stateDigest), \(sealedVerifier), clock_timestamp() + make_interval(secs => \(lifetime)))
            RETURNING expires_at
            """).first { try $0.decode(Date.self, context: .default) } ?? Date()
    }

    struct ConsumedState: Sendable {
        var companyID: UUID
        var id: UUID
        var userID: UUID
        var sealedVerifier: Data
    }

    /// Spends a state: found by its digest alone (the callback names no company), unused and unexpired, marked used
    /// in the same statement so two callbacks with one state cannot both pass.
    func consumeState(digest: Data) async throws -> ConsumedState? {
        try await database.query("""
            UPDATE xero_oauth_states SET used_at = clock_timestamp()
            WHERE state_sha256 = \(digest) AND used_at IS NULL AND expires_at > clock_timestamp()
            RETURNING company_id, id, user_id, code_verifier
            """).first { row in
            let c = Columns(row)
            return ConsumedState(companyID: try c("company_id"), id: try c("id"), userID: try c("user_id"), sealedVerifier: try c("code_verifier"))
        }
    }

    // MARK: Connection

    struct StoredConnection: Sendable {
        var companyID: UUID
        var status: String
        var accessToken: Data
        var refreshToken: Data
        var accessExpiresAt: Date
        /// The access token outlives the refresh margin (by the database's clock).
        var fresh: Bool
        var scopes: [String]
        var tenantID: UUID?
        var tenantName: String?
        var connectedBy: UUID
        var connectedAt: Date
        var refreshedAt: Date?
        var reauthReason: String?
    }

    static let columns = """
        company_id, status, access_token, refresh_token, access_expires_at, scopes, tenant_id, tenant_name, connected_by, connected_at,
        refreshed_at, reauth_reason, access_expires_at > clock_timestamp() + make_interval(secs => \(XeroRules.refreshMarginSeconds)) AS fresh
        """

    static func decode(_ row: PostgresRow) throws -> StoredConnection {
        let c = Columns(row)
        return StoredConnection(companyID: try c("company_id"), status: try c("status"), accessToken: try c("access_token"),
                                refreshToken: try c("refresh_token"), accessExpiresAt: try c("access_expires_at"), fresh: try c("fresh"),
                                scopes: try c("scopes"), tenantID: try c("tenant_id"), tenantName: try c("tenant_name"),
                                connectedBy: try c("connected_by"), connectedAt: try c("connected_at"), refreshedAt: try c("refreshed_at"),
                                reauthReason: try c("reauth_reason"))
    }

    func connection(companyID: UUID) async throws -> StoredConnection? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM xero_connections WHERE company_id = \(companyID)").first(Self.decode)
    }

    /// Stores a new consent's tokens (a reconnect replaces the old ones and clears needs_reauth). The selected tenant
    /// stays when the new connection still reaches it (or when the tenants are unknown); otherwise the only tenant,
    /// if there is exactly one, is selected.
    func saveConnection(companyID: UUID, userID: UUID, accessToken: Data, refreshToken: Data, expiresIn: Int, scopes: [String],
                        reachable: [UUID]?, only: ProviderTenant?) async throws -> StoredConnection? {
        let known = reachable != nil
        let ids = reachable ?? []
        return try await database.query("""
            INSERT INTO xero_connections AS x (company_id, status, access_token, refresh_token, access_expires_at, scopes, tenant_id, tenant_name,
                                               connected_by)
            VALUES (\(companyID), 'connected', \(accessToken), \(refreshToken), clock_timestamp() + make_interval(secs => \(expiresIn)), \(scopes),
                    \(only?.tenantID), \(only?.tenantName.map { String($0.prefix(500)) }), \(userID))
            ON CONFLICT (company_id) DO UPDATE SET
                status = 'connected', access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
                access_expires_at = EXCLUDED.access_expires_at, scopes = EXCLUDED.scopes, connected_by = EXCLUDED.connected_by,
                connected_at = clock_timestamp(), refreshed_at = NULL, reauth_reason = NULL, updated_at = clock_timestamp(),
                tenant_id = CASE WHEN x.tenant_id IS NOT NULL AND (NOT \(known) OR x.tenant_id = ANY(\(ids))) THEN x.tenant_id ELSE EXCLUDED.tenant_id END,
                tenant_name = CASE WHEN x.tenant_id IS NOT NULL AND (NOT \(known) OR x.tenant_id = ANY(\(ids))) THEN x.tenant_name ELSE EXCLUDED.tenant_name END
            RETURNING \(unescaped: Self.columns)
            """).first(Self.decode)
    }

    enum RefreshDecision: Sendable {
        /// Another request refreshed meanwhile: use the row as it is.
        case keep
        case store(accessToken: Data, refreshToken: Data, expiresIn: Int, scopes: [String])
        case needsReauth(reason: String)
    }

    /// The refresh, single-flight per company: the connection row stays locked (`FOR UPDATE`) while `decide` asks
    /// the provider, so a second request waits, then sees the new tokens and refreshes nothing. (A refresh token is
    /// single use: two refreshes with it would end the connection.) Nil when there is no connection.
    func refresh(companyID: UUID, decide: (StoredConnection) async throws -> RefreshDecision) async throws -> StoredConnection? {
        let logger = database.logger
        return try await database.transaction { connection in
            guard let row = try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM xero_connections WHERE company_id = \(companyID) FOR UPDATE
                """, logger: logger).first(Self.decode) else { return nil }
            switch try await decide(row) {
            case .keep:
                return row
            case .store(let access, let refresh, let expiresIn, let scopes):
                return try await connection.query("""
                    UPDATE xero_connections SET access_token = \(access), refresh_token = \(refresh),
                           access_expires_at = clock_timestamp() + make_interval(secs => \(expiresIn)), scopes = \(scopes),
                           refreshed_at = clock_timestamp(), updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)
            case .needsReauth(let reason):
                return try await connection.query("""
                    UPDATE xero_connections SET status = 'needs_reauth', reauth_reason = \(String(reason.prefix(200))), updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) RETURNING \(unescaped: Self.columns)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// False when the company has no connection.
    func selectTenant(companyID: UUID, tenantID: UUID, name: String?) async throws -> Bool {
        try await database.query("""
            UPDATE xero_connections SET tenant_id = \(tenantID), tenant_name = \(name.map { String($0.prefix(500)) }), updated_at = clock_timestamp()
            WHERE company_id = \(companyID) RETURNING company_id
            """).first { _ in true } ?? false
    }

    /// Forgets the connection; answers its sealed refresh token (for revocation at Xero), nil when there was none.
    func deleteConnection(companyID: UUID) async throws -> Data? {
        try await database.query("""
            DELETE FROM xero_connections WHERE company_id = \(companyID) RETURNING refresh_token
            """).first { try $0.decode(Data.self, context: .default) }
    }

    // MARK: Income lines and their invoices

    struct IncomeLine: Sendable {
        var id: UUID
        var eventID: UUID
        var eventName: String
        var eventDate: String?
        var description: String
        var payerName: String?
        var amountMinor: Int64
        var currency: String
        var expectedDate: String
        var link: XeroInvoiceLink?
    }

    /// Nil when the event is not the company's; else how many income lines it has and, in their order, the ones no
    /// invoice was pushed for.
    func eventIncome(companyID: UUID, eventID: UUID) async throws -> (lines: Int, unlinked: [UUID])? {
        try await database.query("""
            SELECT (SELECT count(*) FROM event_income i WHERE i.company_id = e.company_id AND i.event_id = e.id) AS lines,
                   COALESCE((SELECT array_agg(i.id ORDER BY i.expected_date, i.id) FROM event_income i
                             WHERE i.company_id = e.company_id AND i.event_id = e.id
                               AND NOT EXISTS (SELECT 1 FROM xero_invoice_links l WHERE l.company_id = i.company_id AND l.income_id = i.id)),
                            '{}') AS unlinked
            FROM events e WHERE e.company_id = \(companyID) AND e.id = \(eventID)
            """).first { row in
            let c = Columns(row)
            return (try c("lines", as: Int.self), try c("unlinked", as: [UUID].self))
        }
    }

    /// Pushes income lines under a per-line advisory lock (taken in id order, so a sync and a single push of the same
    /// line never both create an invoice, and never deadlock): `push` gets the company's lines among `incomeIDs`
    /// with their current links and answers the organisation and the invoices it created there (income id → invoice
    /// id and number), which are linked in the same transaction. The lock is held while `push` calls Xero.
    func pushing(companyID: UUID, userID: UUID, incomeIDs: [UUID],
                 push: ([IncomeLine]) async throws -> (tenantID: UUID?, created: [(incomeID: UUID, invoiceID: UUID, number: String?)]))
        async throws -> (lines: [IncomeLine], created: [XeroInvoiceLink]) {
        let logger = database.logger
        let sorted = Array(Set(incomeIDs)).sorted { $0.uuidString < $1.uuidString }
        return try await database.transaction { connection in
            _ = try await connection.query("""
                SELECT pg_advisory_xact_lock(hashtextextended('xero-income:' || \(companyID)::text || ':' || i.id::text, 0))
                FROM unnest(\(sorted)::uuid[]) WITH ORDINALITY AS i(id, n) ORDER BY i.n
                """, logger: logger).collect { _ in 0 }
            let lines = try await connection.query("""
                SELECT i.id, i.event_id, e.name AS event_name, e.event_date::text AS event_date, i.description, i.payer_name, i.amount_minor,
                       i.currency::text AS currency, i.expected_date::text AS expected_date,
                       l.xero_invoice_id, l.xero_tenant_id, l.invoice_number, l.pushed_by, l.pushed_at
                FROM event_income i
                JOIN events e ON e.company_id = i.company_id AND e.id = i.event_id
                LEFT JOIN xero_invoice_links l ON l.company_id = i.company_id AND l.income_id = i.id
                WHERE i.company_id = \(companyID) AND i.id = ANY(\(sorted))
                ORDER BY i.expected_date, i.id
                """, logger: logger).collect(Self.decodeLine)
            let (tenant, created) = try await push(lines)
            guard let tenantID = tenant, !created.isEmpty else { return (lines, []) }
            let links = try await connection.query("""
                INSERT INTO xero_invoice_links (company_id, income_id, xero_invoice_id, xero_tenant_id, invoice_number, pushed_by)
                SELECT \(companyID), c.income_id, c.invoice_id, \(tenantID), NULLIF(c.number, ''), \(userID)
                FROM unnest(\(created.map { $0.incomeID })::uuid[], \(created.map { $0.invoiceID })::uuid[], \(created.map { $0.number ?? "" })::text[])
                     AS c(income_id, invoice_id, number)
                RETURNING income_id, xero_invoice_id, xero_tenant_id, invoice_number, pushed_by, pushed_at
                """, logger: logger).collect { row in
                let c = Columns(row)
                return XeroInvoiceLink(incomeId: try c("income_id"), xeroInvoiceId: try c("xero_invoice_id"), xeroTenantId: try c("xero_tenant_id"),
                                       invoiceNumber: try c("invoice_number"), pushedBy: try c("pushed_by"), pushedAt: try c("pushed_at"))
            }
            return (lines, links)
        }
    }

    static func decodeLine(_ row: PostgresRow) throws -> IncomeLine {
        let c = Columns(row)
        var link: XeroInvoiceLink?
        if let invoiceID = try c("xero_invoice_id", as: UUID?.self) {
            link = XeroInvoiceLink(incomeId: try c("id"), xeroInvoiceId: invoiceID, xeroTenantId: try c("xero_tenant_id"),
                                   invoiceNumber: try c("invoice_number"), pushedBy: try c("pushed_by"), pushedAt: try c("pushed_at"))
        }
        return IncomeLine(id: try c("id"), eventID: try c("event_id"), eventName: try c("event_name"), eventDate: try c("event_date"),
                          description: try c("description"), payerName: try c("payer_name"), amountMinor: try c("amount_minor"),
                          currency: try c("currency"), expectedDate: try c("expected_date"), link: link)
    }
}
