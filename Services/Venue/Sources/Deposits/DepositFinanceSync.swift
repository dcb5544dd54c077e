import Foundation
import KisumKernel
import KisumPersistence

/// Brings a deposit's newest state to Finance (the outbox handler of `finance.deposit`). Whatever the
/// network does, each deposit ends as exactly one income invoice: the create carries the deposit id as
/// Finance's idempotency key, a lost answer is retried under the same key, and a create whose body
/// changed since (a later edit) is met with `idempotency_conflict` naming the invoice, which is then
/// linked and patched. Finance down → the relay retries with backoff; Finance refusing → `failed`.
struct DepositFinanceSync: OutboxHandler {
    let deposits: DepositsRepository
    let ledger: any FinanceLedger

    func deliver(_ message: OutboxMessage) async throws {
        let payload = try message.decode(DepositSyncMessage.self)
        guard let companyID = message.companyID,
              let deposit = try await deposits.get(companyID: companyID, id: payload.depositId) else {
            throw PermanentDeliveryFailure("no such deposit")
        }
        // A later message (or an earlier delivery of this one) already brought this version or a newer one.
        if deposit.syncedVersion >= deposit.version { return }
        do {
            let invoice = try await sync(deposit, companyID: companyID)
            try await deposits.recordSynced(companyID: companyID, id: deposit.id, version: deposit.version, invoice: invoice)
        } catch let refused as FinanceRefused {
            try await deposits.recordProblem(companyID: companyID, id: deposit.id, reason: refused.description, permanent: true,
                                             linkedTo: refused.record,
                                             notice: VenueNotifications.depositSyncFailed(deposit, reason: refused.description))
            throw PermanentDeliveryFailure(refused.description)
        } catch let unavailable as FinanceUnavailable {
            try await deposits.recordProblem(companyID: companyID, id: deposit.id, reason: "Finance unavailable: \(unavailable)",
                                             permanent: false)
            throw unavailable
        }
    }

    /// The invoice as it stands after this sync (nil when a deposit cancelled before it reached Finance
    /// needs none).
    private func sync(_ deposit: Deposit, companyID: UUID) async throws -> LedgerInvoice? {
        var record = deposit.financeRecordId
        if record == nil {
            if deposit.status == "cancelled" { return nil }
            switch try await ledger.createInvoice(DepositInvoiceBody.create(deposit), idempotencyKey: deposit.id.uuidString.lowercased(),
                                                  companyID: companyID) {
            case .written(let invoice):
                return invoice
            case .refused(409, "idempotency_conflict", let existing?):
                record = existing
            case .refused(let status, let code, _):
                throw FinanceRefused(status: status, code: code, record: nil)
            }
        }
        guard let record else { return nil }
        let current = try await ledger.invoices(ids: [record], companyID: companyID)[record]
        guard let patch = DepositInvoiceBody.patch(deposit, invoiceStatus: current?.status) else { return current }
        switch try await ledger.updateInvoice(id: record, patch, companyID: companyID) {
        case .written(let invoice): return invoice
        case .refused(let status, let code, _): throw FinanceRefused(status: status, code: code, record: record)
        }
    }
}

/// Finance refused the request as such; retrying it unchanged cannot help.
struct FinanceRefused: Error, CustomStringConvertible {
    var status: Int
    var code: String?
    var record: UUID?
    var description: String { "Finance refused the invoice (\(status) \(code ?? "no code"))" }
}

/// The income invoice a deposit stands for: one line of the deposit amount, customer = payer,
/// `source=venue_deposit`, `sourceRef` = the deposit id. Issued when requested, a draft while pending.
enum DepositInvoiceBody {
    static func create(_ d: Deposit) -> JSONValue {
        var body = draftFields(d)
        body["source"] = "venue_deposit"
        body["sourceRef"] = .uuid(d.id)
        if d.status == "requested" {
            body["status"] = "issued"
            if let issue = issueDate(d) { body["issueDate"] = .string(issue) }
        }
        return .object(body)
    }

    /// The change that brings the invoice to the deposit's state, given the invoice's status; nil when
    /// there is nothing to change.
    static func patch(_ d: Deposit, invoiceStatus: String?) -> JSONValue? {
        switch (d.status, invoiceStatus) {
        case ("cancelled", "void"), (_, "void"):
            return nil
        case ("cancelled", _):
            return ["status": "void"]
        case (_, "draft"), (_, nil):
            var body = draftFields(d)
            if d.status == "requested" {
                body["status"] = "issued"
                if let issue = issueDate(d) { body["issueDate"] = .string(issue) }
            }
            return .object(body)
        default:
            // Issued or paid: only the dates and notes can still follow the deposit.
            return ["dueDate": d.dueDate.map(JSONValue.string) ?? .null, "notes": d.notes.map(JSONValue.string) ?? .null]
        }
    }

    private static func draftFields(_ d: Deposit) -> [String: JSONValue] {
        [
            "customerName": .string(d.payerName), "customerRef": d.payerRef.map(JSONValue.string) ?? .null,
            "customerEmail": d.payerEmail.map(JSONValue.string) ?? .null, "currency": .string(d.currency),
            "dueDate": d.dueDate.map(JSONValue.string) ?? .null, "notes": d.notes.map(JSONValue.string) ?? .null,
            "lines": [["description": .string(d.description ?? "Deposit"), "quantity": 1, "unitMinor": .number(Double(d.amountMinor))]],
        ]
    }

    /// Finance dates an issued invoice today unless told otherwise, and refuses a due date before the
    /// issue date: a deposit already due is dated on its due day.
    private static func issueDate(_ d: Deposit) -> String? {
        guard let due = d.dueDate, due < CalendarDate.today() else { return nil }
        return due
    }
}
