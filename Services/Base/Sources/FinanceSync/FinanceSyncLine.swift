import Foundation
import KisumKernel

/// What Base pushes to Finance: an event's income line (→ a Finance income invoice, `source=base_event_income`) or an
/// approved actual expense (→ a bill, `source=base_event_expense`), each with its own id as `sourceRef`, Finance's
/// idempotency key, so whatever the network or a second sync does there is at most one document per line.
enum FinanceLineKind: String, Codable, Sendable, CaseIterable {
    case income
    case expense

    var source: String { self == .income ? "base_event_income" : "base_event_expense" }
    /// Finance's collection for the kind.
    var path: String { self == .income ? "/api/income" : "/api/bills" }
    /// The counterparty's wire prefix in Finance.
    var party: String { self == .income ? "customer" : "supplier" }
}

/// The outbox payload of `finance.event_sync`: which line to bring to Finance (its newest state is read when the
/// message is delivered) and the sync generation that queued it.
struct FinanceSyncMessage: Codable, Sendable {
    static let topic = "finance.event_sync"

    var kind: FinanceLineKind
    var lineId: UUID
    var generation: Int
}

/// A line as it stands now, with its sync state and the company's connection options.
struct FinanceSyncLine: Sendable {
    var kind: FinanceLineKind
    var id: UUID
    var eventId: UUID
    var eventName: String
    var category: String
    var description: String
    var partyName: String?
    var partyEmail: String?
    var amountMinor: Int64
    var currency: String
    /// The income's expected date (the invoice's due date) or the expense's day incurred (the bill's issue date).
    var day: String
    var notes: String?
    /// Income always; an actual expense only while approved.
    var eligible: Bool
    /// sha256 of what the line says now (`FinanceSyncRepository.incomeHash` / `expenseHash`).
    var hash: String
    /// The sync row, when there is one.
    var status: String?
    var generation: Int
    var deliveredHash: String?
    var financeDocumentId: UUID?
    /// The connection's options (defaults when the company is not connected).
    var connected: Bool
    var issue: Bool
    var accountId: UUID?
}

/// The Finance document a line stands for.
enum FinanceDocumentBody {
    /// The create request: the same line with the same options always gives the same body, so a second create under
    /// the line's key is Finance's replay of the first (201, the same document).
    static func create(_ line: FinanceSyncLine, today: String = CalendarDate.today()) -> JSONValue {
        var body = editable(line, today: today)
        body["source"] = .string(line.kind.source)
        body["sourceRef"] = .uuid(line.id)
        if line.issue { body["status"] = "issued" }
        return .object(body)
    }

    /// The change that brings an existing document to the line: everything while Finance's document is a draft; once
    /// issued, only what an issued document may still change (dates and notes follow, amounts cannot).
    static func patch(_ line: FinanceSyncLine, documentStatus: String, today: String = CalendarDate.today()) -> JSONValue {
        if documentStatus == "draft" {
            var body = editable(line, today: today)
            if line.issue { body["status"] = "issued" }
            return .object(body)
        }
        var fields: [String: JSONValue] = ["notes": notes(line)]
        if line.kind == .income { fields["dueDate"] = .string(line.day) }
        return .object(fields)
    }

    /// Whether the issued document already says what the line says (its amount, currency and counterparty).
    static func matches(_ document: JSONValue, _ line: FinanceSyncLine) -> Bool {
        document["totalMinor"]?.doubleValue == Double(line.amountMinor) && document["currency"]?.stringValue == line.currency
            && document["\(line.kind.party)Name"]?.stringValue == partyName(line)
    }

    private static func editable(_ line: FinanceSyncLine, today: String) -> [String: JSONValue] {
        let prefix = line.kind.party
        var body: [String: JSONValue] = [
            "\(prefix)Name": .string(partyName(line)),
            "\(prefix)Email": line.partyEmail.flatMap { Validator.looksLikeEmail($0) ? JSONValue.string($0) : nil } ?? .null,
            "currency": .string(line.currency),
            "lines": [["description": .string(String(line.description.prefix(500))), "quantity": 1,
                       "unitMinor": .number(Double(line.amountMinor)), "taxRateBp": 0]],
            "notes": notes(line),
            "accountId": line.accountId.map(JSONValue.uuid) ?? .null,
        ]
        switch line.kind {
        case .income:
            // Due on the expected day; issued today unless the day is already past (Finance refuses a due date before
            // the issue date), and a draft carries no issue date at all.
            body["dueDate"] = .string(line.day)
            body["issueDate"] = line.issue ? .string(min(line.day, today)) : .null
        case .expense:
            body["issueDate"] = .string(line.day)
        }
        return body
    }

    /// Who pays (income) or is paid (expense); the event's name when the line names no one.
    static func partyName(_ line: FinanceSyncLine) -> String {
        let name = line.partyName?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return String((name.isEmpty ? line.eventName : name).prefix(200))
    }

    /// The event and category, then the line's own notes, within Finance's 5000 characters.
    static func notes(_ line: FinanceSyncLine) -> JSONValue {
        let head = "\(line.eventName) · \(line.category)"
        return .string(String((line.notes.map { "\(head)\n\($0)" } ?? head).prefix(5000)))
    }
}
