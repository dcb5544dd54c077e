import Foundation
import Hummingbird
import KisumKernel

/// A ticket allocation of an event (issue 9, "Tickets: capacity per allocation and tier"): GA, VIP, a presale,
/// the box office's or an outlet's share. Its currency is always the event's. `sold`, `comps`, `grossMinor` and
/// `remaining` sum its tiers (`remaining` is what its tiers can still sell).
public struct EventTicket: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var eventId: UUID
    public var eventName: String
    public var name: String
    public var kind: String
    public var capacity: Int
    /// Capacity given to tiers; `capacity - tierCapacity` can still be given to a new tier.
    public var tierCapacity: Int
    public var status: String
    public var currency: String
    public var onSaleAt: Date?
    public var offSaleAt: Date?
    public var tierCount: Int
    public var sold: Int
    public var comps: Int
    public var remaining: Int
    public var grossMinor: Int64
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// A price tier of an allocation (named `EventTicketTier` beside the deal engine's `TicketTier`).
public struct EventTicketTier: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var ticketId: UUID
    public var name: String
    public var priceMinor: Int64
    public var currency: String
    public var capacity: Int
    public var sortOrder: Int
    public var sold: Int
    public var comps: Int
    public var remaining: Int
    public var grossMinor: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// A sales record against a tier: a day's (`soldOn`) or a period's (`periodStart`…`periodEnd`) sales.
public struct EventTicketSale: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var ticketId: UUID
    public var ticketName: String
    public var tierId: UUID
    public var tierName: String
    public var soldOn: String?
    public var periodStart: String?
    public var periodEnd: String?
    public var quantity: Int
    public var comps: Int
    public var grossMinor: Int64
    public var currency: String
    public var channel: String?
    public var externalRef: String?
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

enum TicketRules {
    static let kinds = ["general_admission", "vip", "presale", "box_office", "outlet", "other"]
    static let statuses = ["draft", "on_sale", "off_sale", "sold_out", "cancelled"]
    static let sorts = ["name", "-name", "capacity", "-capacity", "createdAt", "-createdAt", "onSaleAt", "-onSaleAt"]
    static let maxCapacity = 1_000_000
    static let maxTiersPerBody = 50
    static let maxBulkItems = 100

    /// The ORDER BY of a `sort` value (from `sorts` only: never request text).
    static func orderBy(_ sort: String) -> String {
        switch sort {
        case "-name": return "ORDER BY t.name DESC, t.id"
        case "capacity": return "ORDER BY t.capacity, t.id"
        case "-capacity": return "ORDER BY t.capacity DESC, t.id"
        case "-createdAt": return "ORDER BY t.created_at DESC, t.id"
        case "onSaleAt": return "ORDER BY t.on_sale_at NULLS LAST, t.id"
        case "-onSaleAt": return "ORDER BY t.on_sale_at DESC NULLS LAST, t.id"
        case "name": return "ORDER BY t.name, t.id"
        default: return "ORDER BY t.created_at, t.id"
        }
    }

    static func capacity(_ value: Int?, _ field: String, _ v: inout Validator) {
        if value == nil { v.add(field, "required", "This field is required.") }
        v.range(value, field, 0...maxCapacity)
    }
}

/// The fields of an allocation a POST sets and a PUT replaces.
struct TicketFields: Decodable, Sendable {
    var name: String?
    var kind: String?
    var capacity: Int?
    var status: String?
    var onSaleAt: Date?
    var offSaleAt: Date?
    var tiers: [TierBody]?

    func validate(_ v: inout Validator, prefix: String = "", allowTiers: Bool) {
        v.text(name, prefix + "name", maxLength: 200)
        v.oneOf(kind, prefix + "kind", TicketRules.kinds)
        v.oneOf(status, prefix + "status", TicketRules.statuses)
        TicketRules.capacity(capacity, prefix + "capacity", &v)
        v.interval(onSaleAt, offSaleAt, startField: prefix + "onSaleAt", endField: prefix + "offSaleAt")
        guard let tiers else { return }
        guard allowTiers else { return v.add(prefix + "tiers", "not_allowed", "Tiers are edited through /api/event-ticket/{id}/tiers.") }
        guard tiers.count <= TicketRules.maxTiersPerBody else {
            return v.add(prefix + "tiers", "too_many", "At most \(TicketRules.maxTiersPerBody) tiers.")
        }
        var names = Set<String>()
        var total = 0
        for (index, tier) in tiers.enumerated() {
            tier.validate(&v, prefix: "\(prefix)tiers[\(index)].")
            if let name = tier.trimmedName, !names.insert(name).inserted {
                v.add("\(prefix)tiers[\(index)].name", "duplicate", "Two tiers of one allocation cannot share a name.")
            }
            // Both bounded by maxCapacity and at most 50 tiers: no overflow.
            total += min(max(tier.capacity ?? 0, 0), TicketRules.maxCapacity)
        }
        if let capacity, (0...TicketRules.maxCapacity).contains(capacity), total > capacity {
            v.add("\(prefix)tiers", "capacity_exceeded", "The tiers' capacities add up to \(total), more than the allocation's \(capacity).")
        }
    }

    var trimmedName: String? { name?.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// `POST /api/event-ticket` (with optional tiers, created in the same transaction).
struct CreateTicket: Decodable, Sendable, ValidatableBody {
    var eventId: UUID?
    var fields: TicketFields

    enum CodingKeys: String, CodingKey { case eventId }

    init(from decoder: any Decoder) throws {
        eventId = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(UUID.self, forKey: .eventId)
        fields = try TicketFields(from: decoder)
    }

    func validate(_ v: inout Validator) { validate(&v, prefix: "") }

    func validate(_ v: inout Validator, prefix: String) {
        if eventId == nil { v.add(prefix + "eventId", "required", "This field is required.") }
        fields.validate(&v, prefix: prefix, allowTiers: true)
    }
}

/// `PUT /api/event-ticket/{id}`: a full replacement of the allocation's own fields (status and kind left out keep
/// theirs; sale times left out are cleared). The event never changes.
struct ReplaceTicket: Decodable, Sendable, ValidatableBody {
    var fields: TicketFields

    init(from decoder: any Decoder) throws { fields = try TicketFields(from: decoder) }

    func validate(_ v: inout Validator) { fields.validate(&v, allowTiers: false) }
}

/// `POST /api/event-ticket/bulk`: a JSON array of allocations (each with its tiers), created all or nothing.
struct BulkCreateTickets: Decodable, Sendable, ValidatableBody {
    var items: [CreateTicket]

    init(from decoder: any Decoder) throws { items = try decoder.singleValueContainer().decode([CreateTicket].self) }

    func validate(_ v: inout Validator) {
        guard !items.isEmpty else { return v.add("[]", "required", "Send at least one allocation.") }
        guard items.count <= TicketRules.maxBulkItems else { return v.add("[]", "too_many", "At most \(TicketRules.maxBulkItems) allocations.") }
        for (index, item) in items.enumerated() { item.validate(&v, prefix: "[\(index)].") }
    }
}

/// A price tier as `POST`/`PUT /api/event-ticket/{id}/tiers…` and the allocation bodies send it.
struct TierBody: Decodable, Sendable, ValidatableBody {
    var name: String?
    var priceMinor: Int64?
    var capacity: Int?
    var sortOrder: Int?

    func validate(_ v: inout Validator) { validate(&v, prefix: "") }

    func validate(_ v: inout Validator, prefix: String) {
        v.text(name, prefix + "name", maxLength: 100)
        if priceMinor == nil { v.add(prefix + "priceMinor", "required", "This field is required.") }
        v.minorAmount(priceMinor, prefix + "priceMinor")
        TicketRules.capacity(capacity, prefix + "capacity", &v)
        v.range(sortOrder, prefix + "sortOrder", 0...10_000)
    }

    var trimmedName: String? { name?.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// Filters of the allocation lists.
struct TicketFilter: Sendable {
    var eventID: UUID?
    var status: String?
    var kind: String?
    var q: String?
    var sort: String = "createdAt"
}

/// `POST /api/event-ticket/bulk`'s answer: the created allocations in the order sent.
public struct TicketBulkResult: ResponseEncodable, Sendable, Equatable {
    public var items: [EventTicket]
}
