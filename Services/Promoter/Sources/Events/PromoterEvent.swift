import Foundation
import Hummingbird
import KisumKernel

/// A canonical promoter event: the event truth Venue's `venue_events` rows point at by `publicEventId`.
public struct PromoterEvent: Codable, Sendable, ResponseEncodable {
    public var publicEventId: UUID
    public var companyId: UUID
    /// The Mongo `_id` the event had before Kisum, lower case; nil for events born here.
    public var legacyId: String?
    public var title: String
    public var startAt: Date
    public var endAt: Date?
    /// IANA zone the event's local times are shown in (`startAt`/`endAt` are absolute instants).
    public var timezone: String
    /// Venue's venue (its uuid `id`), when the event is at a venue known to Kisum.
    public var venueId: UUID?
    public var venueName: String?
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case publicEventId, companyId, legacyId, title, startAt, endAt, timezone, venueId, venueName, status, createdAt, updatedAt
    }

    /// Every key is always written, `null` when empty: clients (and the contract) see one fixed shape
    /// instead of keys that come and go with the data.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(publicEventId, forKey: .publicEventId)
        try c.encode(companyId, forKey: .companyId)
        try c.encode(legacyId, forKey: .legacyId)
        try c.encode(title, forKey: .title)
        try c.encode(startAt, forKey: .startAt)
        try c.encode(endAt, forKey: .endAt)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(venueId, forKey: .venueId)
        try c.encode(venueName, forKey: .venueName)
        try c.encode(status, forKey: .status)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// The legacy (Mongo ObjectId) form of an event id: 24 hex digits, either case, stored in lower case.
enum LegacyEventID {
    /// ASCII hex only: `Character.isHexDigit` also accepts full-width digits, which no Mongo id holds.
    static func isValid(_ text: String) -> Bool {
        text.utf8.count == 24 && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }
    }

    /// Nil unless `text` is a legacy id; the lower-case spelling the table holds otherwise.
    static func normalized(_ text: String) -> String? {
        isValid(text) ? text.lowercased() : nil
    }
}

/// An event reference as the internal resolver reads it: the canonical UUID or a legacy id.
enum EventReference: Sendable, Equatable {
    case publicID(UUID)
    case legacyID(String)

    /// Nil when `text` is neither form (the resolver answers 400 then).
    init?(_ text: String) {
        if let id = UUID(uuidString: text) {
            self = .publicID(id)
        } else if let legacy = LegacyEventID.normalized(text) {
            self = .legacyID(legacy)
        } else {
            return nil
        }
    }
}

/// `GET /api/v1/events` filters, already typed and bounded by `QueryReader`.
struct EventFilter: Sendable {
    var status: String?
    var venueID: UUID?
    /// Title search text (the repository escapes it into an ILIKE pattern).
    var q: String?
    var fromAt: Date?
    var toAt: Date?
}
