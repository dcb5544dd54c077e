import Foundation
import Hummingbird
import KisumKernel

/// The company's connection to Finance: who connected it, the accounts event money is booked to, the options.
struct FinanceConnection: Encodable, Sendable {
    var connectedBy: UUID
    var connectedAt: Date
    var incomeAccountId: UUID?
    var expenseAccountId: UUID?
    /// Push income invoices issued (else drafts).
    var issueInvoices: Bool
    /// Push bills issued (else drafts).
    var issueBills: Bool
    var updatedAt: Date
}

/// Lines in each sync state, with the newest problem and delivery.
struct FinanceSyncCounts: Sendable {
    var queued: Int
    var delivered: Int
    var failed: Int
    var lastError: String?
    var lastErrorAt: Date?
    var lastSyncedAt: Date?
}

/// `GET /api/integrations-finance/status`: never a secret (no URL, no key), and answered whether or not Finance is
/// configured or up.
struct FinanceIntegrationStatus: ResponseEncodable, Sendable {
    struct Sync: Encodable, Sendable {
        var queued: Int
        var delivered: Int
        var failed: Int
    }

    /// FINANCE_BASE_URL is set.
    var configured: Bool
    /// Finance answered its readiness probe just now; null when not configured.
    var reachable: Bool?
    var connected: Bool
    var connection: FinanceConnection?
    var sync: Sync
    var lastError: String?
    var lastErrorAt: Date?
    var lastSyncedAt: Date?

    init(configured: Bool, reachable: Bool?, connection: FinanceConnection?, counts: FinanceSyncCounts) {
        self.configured = configured
        self.reachable = reachable
        connected = connection != nil
        self.connection = connection
        sync = Sync(queued: counts.queued, delivered: counts.delivered, failed: counts.failed)
        lastError = counts.lastError
        lastErrorAt = counts.lastErrorAt
        lastSyncedAt = counts.lastSyncedAt
    }
}

/// `POST /api/integrations-finance/connect` (the body may be left out): connecting again replaces the settings.
struct ConnectFinance: Decodable, Sendable, ValidatableBody {
    /// A revenue account of the company's chart in Finance.
    var incomeAccountId: UUID?
    /// An expense account of the company's chart in Finance.
    var expenseAccountId: UUID?
    var issueInvoices: Bool?
    var issueBills: Bool?

    func validate(_ v: inout Validator) {}
}

/// `POST /api/integrations-finance/events/{eventId}/sync` answers 202 with what it queued and where every line stands.
struct EventFinanceSync: ResponseEncodable, Sendable {
    var eventId: UUID
    /// Lines queued by this request (never synced, changed since, or failed before).
    var queued: Int
    /// Lines already queued or delivered unchanged, left alone.
    var unchanged: Int
    var lines: [FinanceLineState]
}

/// `POST /api/event-income/{id}/invoice`: the income line's Finance invoice.
struct IncomeInvoice: ResponseEncodable, Sendable {
    var incomeId: UUID
    var financeInvoiceId: UUID
    /// The invoice as Finance holds it.
    var invoice: JSONValue
}

/// A document created through Base (`POST …/invoices`, `POST …/bills`), forwarded to Finance as sent (Finance checks
/// it: its 422 comes back unchanged). Typed so a body of the wrong shape is refused here (400) and unknown keys are
/// dropped; the company's default account is filled in when none is named.
struct FinanceDocumentInput: Codable, Sendable {
    struct Line: Codable, Sendable {
        var description: String?
        var quantity: Int?
        var unitMinor: Int64?
        var taxRateBp: Int?
    }

    var number: String?
    var customerName: String?
    var customerRef: String?
    var customerEmail: String?
    var supplierName: String?
    var supplierRef: String?
    var supplierEmail: String?
    var currency: String?
    var issueDate: String?
    var dueDate: String?
    var status: String?
    var lines: [Line]?
    var notes: String?
    var accountId: UUID?

    /// The request Finance receives: Base is the source (`base_manual`), never the caller.
    func forwarded(defaultAccount: UUID?) throws -> JSONValue {
        var copy = self
        copy.accountId = accountId ?? defaultAccount
        var body = try JSONDecoder().decode(JSONValue.self, from: JSONCoding.encoder.encode(copy))
        if case .object(var fields) = body {
            fields["source"] = "base_manual"
            body = .object(fields)
        }
        return body
    }
}
