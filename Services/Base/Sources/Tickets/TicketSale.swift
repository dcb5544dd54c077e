import Foundation
import Hummingbird
import KisumKernel

/// The fields of a sales record, shared by the JSON bodies and the CSV import (which reports a row's problems
/// under its line number with these field names).
struct SaleFields: Sendable, Equatable {
    var tierId: UUID?
    var soldOn: String?
    var periodStart: String?
    var periodEnd: String?
    var quantity: Int?
    var comps: Int?
    var grossMinor: Int64?
    var channel: String?
    var externalRef: String?

    func validate(_ v: inout Validator) {
        if tierId == nil { v.add("tierId", "required", "This field is required.") }
        Self.date(soldOn, "soldOn", &v)
        Self.date(periodStart, "periodStart", &v)
        Self.date(periodEnd, "periodEnd", &v)
        switch (soldOn, periodStart, periodEnd) {
        case (.some, nil, nil): break
        case (nil, .some(let start), .some(let end)):
            // Both YYYY-MM-DD once valid, so text order is day order.
            if CalendarDate.isValid(start), CalendarDate.isValid(end), end < start {
                v.add("periodEnd", "before_start", "periodEnd must be on or after periodStart.")
            }
        case (nil, nil, nil): v.add("soldOn", "required", "Give soldOn, or periodStart and periodEnd.")
        case (.some, _, _): v.add("soldOn", "exclusive", "Give soldOn or a period, not both.")
        case (nil, nil, .some): v.add("periodStart", "required", "A period needs periodStart.")
        case (nil, .some, nil): v.add("periodEnd", "required", "A period needs periodEnd.")
        }
        if quantity == nil { v.add("quantity", "required", "This field is required.") }
        v.range(quantity, "quantity", 0...TicketRules.maxCapacity)
        v.range(comps, "comps", 0...TicketRules.maxCapacity)
        if quantity == 0, (comps ?? 0) == 0 { v.add("quantity", "empty", "A record sells or comps at least one ticket.") }
        v.minorAmount(grossMinor, "grossMinor")
        v.text(channel, "channel", required: false, maxLength: 100)
        if let externalRef {
            if externalRef.isEmpty || externalRef.unicodeScalars.count > 200 {
                v.add("externalRef", "out_of_range", "Between 1 and 200 characters.")
            }
        }
    }

    static func date(_ value: String?, _ field: String, _ v: inout Validator) {
        guard let value else { return }
        if !CalendarDate.isValid(value) {
            v.add(field, "invalid_date", "A date as YYYY-MM-DD.")
        } else if value < "1900-01-01" || value > "2199-12-31" {
            v.add(field, "out_of_range", "Between 1900-01-01 and 2199-12-31.")
        }
    }

    var trimmedChannel: String? { channel?.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The record's gross: as given, else price × quantity. A given gross may be below face value (discounts),
    /// never above it: comps are free and the quantity is what was paid for. Nil with the field's issue when
    /// the gross is above face value or the product is past `MinorUnits.max`.
    func gross(priceMinor: Int64) -> Result<Int64, SaleIssue> {
        let (face, overflow) = priceMinor.multipliedReportingOverflow(by: Int64(quantity ?? 0))
        guard !overflow, face <= MinorUnits.max else {
            return .failure(SaleIssue(field: "quantity", code: "out_of_range", message: "Price × quantity is past \(MinorUnits.max)."))
        }
        guard let grossMinor else { return .success(face) }
        guard grossMinor <= face else {
            return .failure(SaleIssue(field: "grossMinor", code: "above_face_value",
                                       message: "The gross cannot exceed price × quantity (\(face))."))
        }
        return .success(grossMinor)
    }
}

/// A sales record's problem found against its tier (the gross), reported by the route (422) or the import (by line).
struct SaleIssue: Error, Sendable {
    var field: String
    var code: String
    var message: String
}

/// `POST /api/event-ticket/{id}/sales` and `PUT …/sales/{saleId}` (a full replacement; the tier may move within
/// the allocation).
struct SaleBody: Decodable, Sendable, ValidatableBody {
    var tierId: UUID?
    var soldOn: String?
    var periodStart: String?
    var periodEnd: String?
    var quantity: Int?
    var comps: Int?
    var grossMinor: Int64?
    var channel: String?
    var externalRef: String?

    var fields: SaleFields {
        SaleFields(tierId: tierId, soldOn: soldOn, periodStart: periodStart, periodEnd: periodEnd, quantity: quantity, comps: comps,
                   grossMinor: grossMinor, channel: channel, externalRef: externalRef)
    }

    func validate(_ v: inout Validator) { fields.validate(&v) }
}

/// Filters of `GET /api/event-ticket/event/{eventId}/sales`.
struct SaleFilter: Sendable {
    var ticketID: UUID?
    var tierID: UUID?
    var channel: String?
    var from: String?
    var to: String?
}

/// `POST /api/event-ticket/import`'s answer.
public struct TicketImportResult: ResponseEncodable, Sendable, Equatable {
    /// Data rows in the file.
    public var rows: Int
    public var imported: Int
    /// Rows whose externalRef was already recorded (a re-import adds nothing).
    public var skipped: Int
}

/// `GET /api/event-ticket/event/{eventId}/summary`: capacity and sales per allocation and tier, in the event's currency.
public struct TicketSummary: ResponseEncodable, Sendable, Equatable {
    public struct Tier: Codable, Sendable, Equatable {
        public var tierId: UUID
        public var name: String
        public var priceMinor: Int64
        public var capacity: Int
        public var sold: Int
        public var comps: Int
        public var remaining: Int
        public var grossMinor: Int64
    }

    public struct Allocation: Codable, Sendable, Equatable {
        public var ticketId: UUID
        public var name: String
        public var kind: String
        public var status: String
        public var capacity: Int
        public var tierCapacity: Int
        public var sold: Int
        public var comps: Int
        public var remaining: Int
        public var grossMinor: Int64
        public var tiers: [Tier]
    }

    public struct Totals: Codable, Sendable, Equatable {
        /// The event's capacity (null when it has none).
        public var eventCapacity: Int?
        /// The allocations' capacities summed.
        public var allocated: Int
        public var sold: Int
        public var comps: Int
        public var remaining: Int
        public var grossMinor: Int64
    }

    public var eventId: UUID
    public var currency: String
    public var allocations: [Allocation]
    public var totals: Totals
}
