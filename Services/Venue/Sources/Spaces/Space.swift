import Foundation
import Hummingbird
import KisumKernel

/// A rentable/operational unit of a venue (hall, room, stage…): the scope of bookings and blocks.
public struct Space: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var venueId: UUID
    public var name: String
    public var description: String?
    public var kind: String
    public var status: String
    public var capacity: Int?
    public var createdAt: Date
    public var updatedAt: Date
}

enum SpaceRules {
    static let kinds = ["hall", "room", "stage", "outdoor", "studio", "bar", "other"]
    /// `archived` is what DELETE leaves behind; clients set active/inactive.
    static let statuses = ["active", "inactive", "archived"]
    static let settableStatuses = ["active", "inactive"]
}

/// `POST /api/v1/spaces`.
struct CreateSpace: Decodable, Sendable, ValidatableBody {
    var venueId: UUID?
    var name: String?
    var description: String?
    var kind: String?
    var status: String?
    var capacity: Int?

    func validate(_ v: inout Validator) {
        if venueId == nil { v.add("venueId", "required", "This field is required.") }
        v.text(name, "name", maxLength: 200)
        v.text(description, "description", required: false, maxLength: 5000)
        v.oneOf(kind, "kind", SpaceRules.kinds)
        v.oneOf(status, "status", SpaceRules.settableStatuses)
        v.range(capacity, "capacity", 0...1_000_000)
    }
}

/// `PATCH /api/v1/spaces/{id}`. A space stays in its venue; moving it would rewrite history of
/// bookings made for that venue.
struct SpacePatch: Decodable, Sendable, ValidatableBody {
    var name: Patch<String> = .absent
    var description: Patch<String> = .absent
    var kind: Patch<String> = .absent
    var status: Patch<String> = .absent
    var capacity: Patch<Int> = .absent
    var venueId: Patch<UUID> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("name", name.clears), ("kind", kind.clears), ("status", status.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        if !venueId.isAbsent { v.add("venueId", "immutable", "A space cannot move to another venue.") }
        if let name = name.value { v.text(name, "name", maxLength: 200) }
        v.text(description.value, "description", required: false, maxLength: 5000)
        v.oneOf(kind.value, "kind", SpaceRules.kinds)
        v.oneOf(status.value, "status", SpaceRules.settableStatuses)
        v.range(capacity.value, "capacity", 0...1_000_000)
    }
}

struct SpaceFilter: Sendable {
    var q: String?
    var status: String?
    var venueID: UUID?
}
