import Foundation
import Hummingbird
import KisumKernel

/// A venue-side event reference: either a canonical promoter event (`promoterEventId`) or a
/// placeholder for an off-platform promoter. Venue never authors promoter master data.
public struct VenueEvent: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var promoterEventId: String?
    public var isPlaceholder: Bool
    public var placeholderPromoterName: String?
    public var placeholderPromoterEmail: String?
    public var placeholderNotes: String?
    public var title: String?
    public var description: String?
    public var eventType: String?
    public var status: String
    public var startAt: Date?
    public var endAt: Date?
    public var spaceIds: [UUID]
    public var payload: JSONValue
    public var businessUnitId: UUID?
    public var bookingId: UUID?
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
}

enum EventRules {
    static let statuses = ["draft", "scheduled", "confirmed", "cancelled", "completed"]
    static let maxPayloadBytes = 64 * 1024

    static func common(title: String?, description: String?, eventType: String?, status: String?, startAt: Date?, endAt: Date?,
                       spaceIds: [UUID]?, payload: JSONValue?, into v: inout Validator) {
        v.text(title, "title", required: false, maxLength: 300)
        v.text(description, "description", required: false, maxLength: 10_000)
        v.text(eventType, "eventType", required: false, maxLength: 100)
        v.oneOf(status, "status", statuses)
        v.interval(startAt, endAt, startField: "startAt", endField: "endAt")
        if let spaceIds {
            if spaceIds.count > 50 { v.add("spaceIds", "too_many", "At most 50 spaces.") }
            if Set(spaceIds).count != spaceIds.count { v.add("spaceIds", "duplicate", "Each space may be listed once.") }
        }
        if let payload {
            if payload.objectValue == nil, !payload.isNull { v.add("payload", "invalid_type", "Must be an object.") }
            if let size = try? JSONCoding.encoder.encode(payload).count, size > maxPayloadBytes {
                v.add("payload", "too_large", "At most 64 KiB.")
            }
        }
    }

    static func placeholder(name: String?, email: String?, notes: String?, into v: inout Validator) {
        v.text(name, "placeholderPromoterName", required: false, maxLength: 200)
        if let email { v.email(email, "placeholderPromoterEmail") }
        v.text(notes, "placeholderNotes", required: false, maxLength: 5000)
    }
}
