import Foundation
import Hummingbird
import KisumKernel

/// A hold, maintenance window, blackout or manual block on one space.
public struct AvailabilityBlock: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var spaceId: UUID
    /// The spec's name: "maintenance and blackout are valid block statuses" (also hold, manual).
    public var status: String
    /// The same value as `status`, kept for clients written before the spec's name was adopted.
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
    /// The block statuses: the spec names hold, maintenance and blackout, and "manual block" semantics.
    static let statuses = ["hold", "maintenance", "blackout", "manual"]
    /// Longest block accepted: a blackout over a whole season is fine, a decade is a typo.
    static let maxDuration: TimeInterval = 400 * 24 * 3600

    static func times(_ start: Date?, _ end: Date?, into v: inout Validator) {
        v.interval(start, end, startField: "startAt", endField: "endAt")
        if let start, let end, end.timeIntervalSince(start) > maxDuration {
            v.add("endAt", "too_long", "A block may last at most 400 days.")
        }
    }

    /// `status` is the spec's field; `kind` is its older alias. Either may be sent; both only with the same
    /// value (they are one field, so a disagreement is a 422 on `kind`, not a silent choice).
    static func status(_ status: String?, kind: String?, required: Bool, into v: inout Validator) {
        v.oneOf(status, "status", statuses)
        v.oneOf(kind, "kind", statuses)
        if let status, let kind, status != kind {
            v.add("kind", "conflicts_with_status", "kind is an alias of status; send one of them, or both with the same value.")
        }
        if required, status == nil, kind == nil { v.add("status", "required", "This field is required.") }
    }

    static func expiry(_ expiresAt: Date?, status: String?, into v: inout Validator) {
        guard let expiresAt else { return }
        if let status, status != "hold" { v.add("expiresAt", "only_for_holds", "expiresAt is supported for hold blocks only.") }
        if expiresAt <= Date() { v.add("expiresAt", "in_past", "expiresAt must be in the future.") }
    }
}

/// `POST /api/v1/availability/blocks`.
struct CreateBlock: Decodable, Sendable, ValidatableBody {
    var spaceId: UUID?
    var status: String?
    var kind: String?
    var title: String?
    var notes: String?
    var startAt: Date?
    var endAt: Date?
    var expiresAt: Date?

    func validate(_ v: inout Validator) {
        if spaceId == nil { v.add("spaceId", "required", "This field is required.") }
        BlockRules.status(status, kind: kind, required: true, into: &v)
        if startAt == nil { v.add("startAt", "required", "This field is required.") }
        if endAt == nil { v.add("endAt", "required", "This field is required.") }
        BlockRules.times(startAt, endAt, into: &v)
        BlockRules.expiry(expiresAt, status: blockStatus, into: &v)
        v.text(title, "title", required: false, maxLength: 200)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }

    var blockStatus: String? { status ?? kind }
}

/// `PATCH /api/v1/availability/blocks/{id}`: move in time or to another space of the company, change
/// status (or its alias kind), expiry, title, notes. Rules that depend on the stored row (end after start, expiry only on
/// holds) are CHECK constraints, reported on the field.
struct BlockPatch: Decodable, Sendable, ValidatableBody {
    var spaceId: Patch<UUID> = .absent
    var status: Patch<String> = .absent
    var kind: Patch<String> = .absent
    var title: Patch<String> = .absent
    var notes: Patch<String> = .absent
    var startAt: Patch<Date> = .absent
    var endAt: Patch<Date> = .absent
    var expiresAt: Patch<Date> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("spaceId", spaceId.clears), ("status", status.clears), ("kind", kind.clears), ("startAt", startAt.clears),
                                ("endAt", endAt.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        BlockRules.status(status.value, kind: kind.value, required: false, into: &v)
        BlockRules.times(startAt.value, endAt.value, into: &v)
        BlockRules.expiry(expiresAt.value, status: blockStatus, into: &v)
        v.text(title.value, "title", required: false, maxLength: 200)
        v.text(notes.value, "notes", required: false, maxLength: 5000)
    }

    var blockStatus: String? { status.value ?? kind.value }
}

struct BlockFilter: Sendable {
    var spaceIDs: [UUID]?
    var venueID: UUID?
    /// `status` and its alias `kind` filter separately, so a query naming both with different values is empty.
    var status: String?
    var kind: String?
    var fromAt: Date?
    var toAt: Date?
    var includeExpired: Bool
}
