import Foundation
import KisumKernel

/// Income invoices (money owed to the company) and bills (money it owes) have one shape and one set
/// of rules; the kind picks the permissions, the counterparty's name on the wire and the word in errors.
public enum DocumentKind: String, Sendable, CaseIterable {
    case income
    case bill

    var readPermission: String { self == .income ? FinancePermission.incomeRead : FinancePermission.billsRead }
    var writePermission: String { self == .income ? FinancePermission.incomeWrite : FinancePermission.billsWrite }
    /// The counterparty's wire prefix: `customerName` on income, `supplierName` on bills.
    var party: String { self == .income ? "customer" : "supplier" }
    var other: DocumentKind { self == .income ? .bill : .income }
    /// What a 404 names.
    var what: String { self == .income ? "income invoice" : "bill" }
}

/// draft → issued → partially_paid → paid, or void. Only payments move a document past issued, and only
/// a document without payments is voided; the table's constraints hold the same rules.
enum DocumentStatus {
    static let all = ["draft", "issued", "partially_paid", "paid", "void"]
    /// What a create may ask for.
    static let initial = ["draft", "issued"]
    /// What a PATCH may ask for; the payment states follow the money.
    static let settable = ["draft", "issued", "void"]
    /// Statuses that can still be paid or were paid.
    static let payable: Set<String> = ["issued", "partially_paid", "paid"]

    /// Refuses a change the machine does not allow (409 `invalid_status_transition`); the same status is
    /// no change.
    static func check(from: String, to: String) throws {
        if from == to { return }
        let allowed: [String] = switch from {
        case "draft": ["issued", "void"]
        case "issued": ["void"]
        default: []
        }
        guard !allowed.contains(to) else { return }
        throw APIError.conflict("invalid_status_transition", "A \(from) document cannot become \(to).",
                                info: ["from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string))])
    }

    /// The status a document's money puts it in once issued.
    static func forPaid(_ paid: Int64, total: Int64) -> String {
        paid == 0 ? "issued" : (paid < total ? "partially_paid" : "paid")
    }
}

/// How a payment was made.
enum PaymentMethod {
    static let all = ["bank_transfer", "card", "cash", "cheque", "other"]
}
