import Foundation
import Hummingbird
import KisumKernel

/// A person at an agency the company deals with. A contact, not a Kisum user: `userId` optionally links a
/// Platform Core user id (stored as given; Base does not ask Platform Core about it).
public struct AgencyTeamMember: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var agencyId: UUID
    public var name: String
    public var email: String?
    public var phone: String?
    public var role: String
    public var title: String?
    public var userId: UUID?
    /// The agency's main contact; at most one per agency.
    public var isPrimary: Bool
    public var createdAt: Date
    public var updatedAt: Date
}

public enum AgencyTeamRole {
    public static let all = ["owner", "agent", "manager", "coordinator", "assistant", "accountant", "other"]
}

/// `POST /api/agencies/{id}/team` (name required; role defaults to agent, isPrimary to false) and
/// `PUT /api/agencies/{id}/team/{teamId}` (a full replacement: name, role and isPrimary required).
struct AgencyTeamMemberInput: Decodable, Sendable {
    var name: String?
    var email: String?
    var phone: String?
    var role: String?
    var title: String?
    var userId: UUID?
    var isPrimary: Bool?

    func validate(_ v: inout Validator, replacing: Bool) {
        v.text(name, "name", maxLength: 200)
        ContactRules.validate(email: email, phone: phone, website: nil, into: &v)
        v.oneOf(role, "role", AgencyTeamRole.all, required: replacing)
        v.text(title, "title", required: false, maxLength: 200)
        if replacing, isPrimary == nil { v.add("isPrimary", "required", "This field is required.") }
    }
}
