import Foundation
import Hummingbird
import KisumKernel

/// An income invoice or a bill. Amounts are integers in minor units of `currency`; `outstandingMinor`
/// and `overdue` are derived (overdue: still owed after the due date, in UTC). The counterparty is
/// `customer…` on income and `supplier…` on bills. Every key is written, `null` when empty, so clients
/// and the contract see one fixed shape; `payments` is null except on a single document's read.
public struct FinanceDocument: Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var kind: DocumentKind
    public var status: String
    public var overdue: Bool
    public var number: String?
    public var partyName: String
    public var partyRef: String?
    public var partyEmail: String?
    public var currency: String
    public var issueDate: String?
    public var dueDate: String?
    public var lines: [DocumentLine]
    public var subtotalMinor: Int64
    public var taxMinor: Int64
    public var totalMinor: Int64
    public var paidMinor: Int64
    public var source: String
    public var sourceRef: String?
    public var notes: String?
    /// The chart-of-accounts account it is booked to.
    public var accountId: UUID?
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
    public var issuedAt: Date?
    public var voidedAt: Date?
    public var payments: [Payment]?

    public var outstandingMinor: Int64 { status == "void" || status == "draft" ? 0 : totalMinor - paidMinor }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: WireKey.self)
        try c.encode(id, forKey: "id")
        try c.encode(companyId, forKey: "companyId")
        try c.encode(kind.rawValue, forKey: "kind")
        try c.encode(status, forKey: "status")
        try c.encode(overdue, forKey: "overdue")
        try c.encode(number, forKey: "number")
        try c.encode(partyName, forKey: WireKey(kind.party + "Name"))
        try c.encode(partyRef, forKey: WireKey(kind.party + "Ref"))
        try c.encode(partyEmail, forKey: WireKey(kind.party + "Email"))
        try c.encode(currency, forKey: "currency")
        try c.encode(issueDate, forKey: "issueDate")
        try c.encode(dueDate, forKey: "dueDate")
        try c.encode(lines, forKey: "lines")
        for (key, amount) in [("subtotalMinor", subtotalMinor), ("taxMinor", taxMinor), ("totalMinor", totalMinor),
                              ("paidMinor", paidMinor), ("outstandingMinor", outstandingMinor)] {
            try c.encode(amount, forKey: WireKey(key))
        }
        try c.encode(source, forKey: "source")
        try c.encode(sourceRef, forKey: "sourceRef")
        try c.encode(notes, forKey: "notes")
        try c.encode(accountId, forKey: "accountId")
        try c.encode(createdBy, forKey: "createdBy")
        try c.encode(createdAt, forKey: "createdAt")
        try c.encode(updatedAt, forKey: "updatedAt")
        try c.encode(issuedAt, forKey: "issuedAt")
        try c.encode(voidedAt, forKey: "voidedAt")
        try c.encode(payments, forKey: "payments")
    }
}

/// One line: `quantity` × `unitMinor` is `netMinor`; `taxRateBp` (basis points, 2100 = 21 %) of it, rounded
/// half up, is `taxMinor`.
public struct DocumentLine: Codable, Sendable, Equatable {
    public var description: String
    public var quantity: Int
    public var unitMinor: Int64
    public var taxRateBp: Int
    public var netMinor: Int64
    public var taxMinor: Int64
}

/// A JSON key spelled at run time (the counterparty's prefix depends on the kind).
struct WireKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(stringLiteral value: String) { stringValue = value }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
