import Foundation
import KisumKernel

/// Finance as Venue sees it: the income invoices behind deposits and their totals. Finance is the truth
/// for money; Venue writes through the outbox relay and reads to show it.
public protocol FinanceLedger: Sendable {
    /// `POST /api/income` in machine mode with the deposit id as the idempotency key.
    func createInvoice(_ body: JSONValue, idempotencyKey: String, companyID: UUID) async throws -> LedgerWrite
    /// `PATCH /api/income/{id}`.
    func updateInvoice(id: UUID, _ patch: JSONValue, companyID: UUID) async throws -> LedgerWrite
    /// The named invoices that exist (one call for a page of deposits).
    func invoices(ids: [UUID], companyID: UUID) async throws -> [UUID: LedgerInvoice]
    /// Invoiced, paid and outstanding per currency over the invoices of these deposits (`source=venue_deposit`).
    func depositTotals(depositIDs: [UUID], companyID: UUID) async throws -> [LedgerTotals]
    /// Issued documents of `kind` (every source; drafts and void ones excluded) per (issue-date bucket,
    /// currency), issue dates `from`...`to` (`YYYY-MM-DD`, inclusive), bucketed by `bucket` (day | week | month,
    /// Finance's calendar: weeks from Monday, months from the 1st). Company-wide: Finance knows no venues.
    func issuedTotals(_ kind: LedgerKind, bucket: String, from: String, to: String, companyID: UUID) async throws -> [LedgerBucketTotals]
}

/// Finance's two document kinds: income invoices (`/api/income`) and bills (`/api/bills`).
public enum LedgerKind: String, Sendable {
    case income, bills
}

/// One row of Finance's summary grouped by bucket.
public struct LedgerBucketTotals: Sendable, Decodable, Equatable {
    /// The bucket's first day (`YYYY-MM-DD`).
    public var bucket: String
    public var currency: String
    public var documents: Int
    public var totalMinor: Int64
    public var paidMinor: Int64
}

/// What Venue needs of a Finance invoice.
public struct LedgerInvoice: Sendable, Decodable, Equatable {
    public var id: UUID
    public var status: String
    public var totalMinor: Int64
    public var paidMinor: Int64
}

public struct LedgerTotals: Sendable, Decodable, Equatable {
    public var currency: String
    public var documents: Int
    public var totalMinor: Int64
    public var paidMinor: Int64
    public var outstandingMinor: Int64
}

/// Finance's answer to a write: done, or refused with its status and error code (and, for an
/// idempotency conflict, the invoice already made under the key).
public enum LedgerWrite: Sendable, Equatable {
    case written(LedgerInvoice)
    case refused(status: Int, code: String?, existingID: UUID?)
}

/// Finance could not be asked: unreachable, too slow, a 5xx, or a key it refuses. Retrying may help;
/// the reason is for logs and `financeLastError`, never for the caller's response body.
public struct FinanceUnavailable: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
