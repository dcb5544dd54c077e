import Foundation
import Hummingbird
import KisumKernel

/// A hold, maintenance window, blackout or manual block on one space.
public struct AvailabilityBlock: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var spaceId: UUID
    public var kind: String
    public var title: String?
    public var notes: String?
    public var startAt: Date
    public var endAt: Date
    /// Holds only: after this instant the hold no longer blocks anything.
    public var expiresAt: Date?
    /// True for a hold whose `expiresAt` has passed.
    public var expired: Bool
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
}

enum BlockRules {
    static let kinds = ["hold", "maintenance", "blackout", "manual"]
    /// Longest block accepted: a blackout over a whole season is fine, a decade is a typo.
    static let maxDuration: TimeInterval = 400 * 24 * 3600

    static func times(_ start: Date?, _ end: Date?, into v: inout Validator) {
        v.interval(start, end, startField: "startAt", endField: "endAt")
        if let start, let end, end.timeIntervalSince(start) > maxDuration {
            v.add("endAt", "too_long", "A block may last at most 400 days.")
        }
    }

    static func expiry(_ expiresAt: Date?, kind: String?, into v: inout Validator) {
        guard let expiresAt else { return }
        if let kind, kind != "hold" { v.add("expiresAt", "only_for_holds", "expiresAt is supported for hold blocks only.") }
        if expiresAt <= Date() { v.add("expiresAt", "in_past", "expiresAt must be in the future.") }
    }
}

/// `POST /api/v1/availability/blocks`.
struct CreateBlock: Decodable, Sendable, ValidatableBody {
    var spaceId: UUID?
    var kind: String?
    var title: String?
    var notes: String?
    var startAt: Date?
    var endAt: Date?
    var expiresAt: Date?

    func validate(_ v: inout Validator) {
        if spaceId == nil { v.add("spaceId", "required", "This field is required.") }
        v.oneOf(kind, "kind", BlockRules.kinds, required: true)
        if startAt == nil { v.add("startAt", "required", "This field is required.") }
        if endAt == nil { v.add("endAt", "required", "This field is required.") }
        BlockRules.times(startAt, endAt, into: &v)
        BlockRules.expiry(expiresAt, kind: kind, into: &v)
        v.text(title, "title", required: false, maxLength: 200)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }
}

/// `PATCH /api/v1/availability/blocks/{id}`: move in time or to another space of the company, change
/// kind, expiry, title, notes. Rules that depend on the stored row (end after start, expiry only on
/// holds) are CHECK constraints, reported on the field.
struct BlockPatch: Decodable, Sendable, ValidatableBody {
    var spaceId: Patch<UUID> = .absent
    var kind: Patch<String> = .absent
    var title: Patch<String> = .absent
    var notes: Patch<String> = .absent
    var startAt: Patch<Date> = .absent
    var endAt: Patch<Date> = .absent
    var expiresAt: Patch<Date> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("spaceId", spaceId.clears), ("kind", kind.clears), ("startAt", startAt.clears), ("endAt", endAt.clears)]
        where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        v.oneOf(kind.value, "kind", BlockRules.kinds)
        BlockRules.times(startAt.value, endAt.value, into: &v)
        BlockRules.expiry(expiresAt.value, kind: kind.value, into: &v)
        v.text(title.value, "title", required: false, maxLength: 200)
        v.text(notes.value, "notes", required: false, maxLength: 5000)
    }
}

struct BlockFilter: Sendable {
    var spaceIDs: [UUID]?
    var venueID: UUID?
    var kind: String?
    var fromAt: Date?
    var toAt: Date?
    var includeExpired: Bool
}
