import Foundation
import Hummingbird
import KisumKernel

/// A claim by a company on a sleeping venue. Lifecycle: pending → approved | rejected | cancelled;
/// approved → completed (by activation) | cancelled. At most one pending/approved claim per venue.
public struct TakeoverApproval: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    /// The venue's numeric id (Admin's identity).
    public var venueId: Int
    /// The venue's owner when the claim was made (the holding company).
    public var companyId: UUID
    public var claimingCompanyId: UUID
    public var status: String
    public var requestedBy: String?
    public var decidedBy: String?
    public var notes: String?
    public var decisionReason: String?
    public var decidedAt: Date?
    public var completedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
}

/// One state change of the takeover workflow.
public struct TakeoverAuditEntry: Codable, Sendable {
    public var id: UUID
    public var venueId: Int
    public var companyId: UUID
    public var approvalId: UUID?
    public var action: String
    public var fromStatus: String?
    public var toStatus: String?
    public var actor: String?
    public var details: JSONValue
    public var createdAt: Date
}

/// What an activation carried over from the imported sleeping venue to its new owner.
public struct ReconciliationSummary: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var venueId: Int
    public var approvalId: UUID
    public var fromCompanyId: UUID
    public var toCompanyId: UUID
    /// Counts per kind of record moved: venues, spaces, archivedSpaces, availabilityBlocks, legacyDocuments.
    public var records: JSONValue
    /// The legacy identity kept: sourceMongoObjectId, uniqueId, venueTypeId, venueTypeSourceId.
    public var legacy: JSONValue
    /// Gaps the new owner should fill (no city, no canonical country id, …).
    public var warnings: [String]
    public var createdAt: Date
}

/// The result of `POST …/activate`.
struct ActivationResult: Codable, Sendable, ResponseEncodable {
    var venue: Venue
    var approval: TakeoverApproval
    var reconciliation: ReconciliationSummary
}

enum TakeoverStatus {
    static let all = ["pending", "approved", "rejected", "cancelled", "completed"]
    /// Decisions an Admin can post on an existing approval.
    static let decisions = ["approved", "rejected", "cancelled"]
    static let transitions: [String: [String]] = [
        "pending": ["approved", "rejected", "cancelled"],
        "approved": ["cancelled"],
        "rejected": [], "cancelled": [], "completed": [],
    ]
}

/// `POST /internal/admin/venues/{venueId}/takeover-approvals`. Two forms, told apart by `approvalId`:
///
/// - a new claim: `{"claimingCompanyId": …, "status": "pending" | "approved", "requestedBy", "notes", "decidedBy"}`
///   (`approved` records a claim Admin approves in the same step);
/// - a decision on an existing claim: `{"approvalId": …, "status": "approved" | "rejected" | "cancelled",
///   "decidedBy", "reason"}`.
struct TakeoverApprovalRequest: Decodable, Sendable {
    var approvalId: UUID?
    var claimingCompanyId: UUID?
    var status: String?
    var requestedBy: String?
    var decidedBy: String?
    var notes: String?
    var reason: String?

    var isDecision: Bool { approvalId != nil }

    func validate(_ v: inout Validator, holdingCompanyID: UUID) {
        if isDecision {
            v.oneOf(status, "status", TakeoverStatus.decisions, required: true)
            if claimingCompanyId != nil { v.add("claimingCompanyId", "not_allowed", "A decision cannot change the claiming company.") }
            if requestedBy != nil { v.add("requestedBy", "not_allowed", "requestedBy belongs to the claim.") }
        } else {
            if claimingCompanyId == nil { v.add("claimingCompanyId", "required", "This field is required.") }
            if claimingCompanyId == holdingCompanyID {
                v.add("claimingCompanyId", "holding_company", "The holding company cannot claim its own inventory.")
            }
            v.oneOf(status, "status", ["pending", "approved"])
            if reason != nil { v.add("reason", "not_allowed", "reason goes with a decision (approvalId).") }
        }
        v.text(requestedBy, "requestedBy", required: false, maxLength: 200)
        v.text(decidedBy, "decidedBy", required: false, maxLength: 200)
        v.text(notes, "notes", required: false, maxLength: 5000)
        v.text(reason, "reason", required: false, maxLength: 5000)
    }
}

/// `POST /internal/admin/venues/{venueId}/activate` (body optional).
struct ActivateRequest: Decodable, Sendable {
    /// Which approved claim to complete; defaults to the venue's open approved claim.
    var approvalId: UUID?
    var activatedBy: String?

    func validate(_ v: inout Validator) {
        v.text(activatedBy, "activatedBy", required: false, maxLength: 200)
    }
}
