import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/event-expense/event/{eventId}/summary`: an event's estimated expenses per category and currency, each
/// also in the event's reporting currency (`events.currency`). Every line is converted at the rate of its due
/// date (`exchange_rate_on`, `convert_minor`, 0017) and the rates used are listed per currency, so each reporting
/// figure can be traced to the rates behind it.
public struct EventExpenseSummary: ResponseEncodable, Sendable, Equatable {
    /// A rate the lines of one currency due on one day were converted at.
    public struct Rate: Codable, Sendable, Equatable {
        public var dueDate: String
        /// Units of the reporting currency per unit of the line's currency, as a decimal string (exact).
        public var rate: String
        public var rateDate: String
        /// `identity` (same currency), `manual` (the company's own rate) or `ecb`.
        public var source: String
        public var lineCount: Int
    }

    public struct CurrencyTotal: Codable, Sendable, Equatable {
        public var currency: String
        public var lineCount: Int
        public var amountMinor: Int64
        public var reportingAmountMinor: Int64
        public var rates: [Rate]
    }

    public struct CategoryTotal: Codable, Sendable, Equatable {
        public var category: String
        public var lineCount: Int
        public var reportingAmountMinor: Int64
        public var byCurrency: [CategoryCurrencyTotal]
    }

    public struct CategoryCurrencyTotal: Codable, Sendable, Equatable {
        public var currency: String
        public var lineCount: Int
        public var amountMinor: Int64
        public var reportingAmountMinor: Int64
    }

    public var eventId: UUID
    public var type: String
    public var reportingCurrency: String
    public var lineCount: Int
    public var totalReportingAmountMinor: Int64
    public var byCategory: [CategoryTotal]
    public var byCurrency: [CurrencyTotal]
}

extension APIError {
    /// 422 `amount_out_of_range`: a converted sum past what 64-bit minor units hold.
    static let convertedAmountOutOfRange = APIError(.unprocessableContent, code: "amount_out_of_range",
                                                    message: "A converted total is too large to state in minor units.")
}

/// The CSV of `GET /api/event-expense/event/{eventId}/export`: one row per estimated line (`CSVText`: RFC 4180,
/// formula-safe).
enum ExpenseCSV {
    static let header = ["id", "event_id", "event_name", "type", "category", "description", "vendor_name", "amount_minor", "currency",
                         "due_date", "notes", "attachment_count", "actual_id", "actual_status", "version", "created_at", "updated_at"]

    static func document(_ lines: [EventExpense]) -> String {
        var out = CSVText.row(header)
        for x in lines {
            out += CSVText.row([
                x.id.uuidString.lowercased(), x.eventId.uuidString.lowercased(), x.eventName, x.type, x.category, x.description, x.vendorName,
                String(x.amountMinor), x.currency, x.dueDate, x.notes, String(x.attachmentCount), x.actualId?.uuidString.lowercased(),
                x.actualStatus, String(x.version), RFC3339Text.string(x.createdAt), RFC3339Text.string(x.updatedAt),
            ])
        }
        return out
    }
}
