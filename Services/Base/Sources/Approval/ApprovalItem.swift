import Foundation
import Hummingbird
import KisumKernel

/// An item of the approval queue (issue 9, "Approval items are created by the flows that need them … and their
/// decision moves the source object").
public struct ApprovalItem: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var sourceType: String
    public var sourceId: UUID
    public var status: String
    public var title: String
    public var amountMinor: Int64?
    public var currency: String?
    public var requestedBy: UUID
    public var requestedAt: Date
    public var decidedBy: UUID?
    public var decidedAt: Date?
    public var decisionNote: String?
}

/// A company threshold: an offer (guarantee) or expense at or above the amount in that currency needs approval.
public struct ApprovalThreshold: ResponseEncodable, Sendable, Equatable {
    public var sourceType: String
    public var currency: String
    public var thresholdMinor: Int64
    public var updatedBy: UUID
    public var updatedAt: Date
}

public struct ApprovalThresholdList: ResponseEncodable, Sendable, Equatable {
    public var items: [ApprovalThreshold]
}

enum ApprovalValues {
    static let sourceTypes = ["offer", "expense", "settlement"]
    static let statuses = ["pending", "approved", "rejected", "cancelled"]
}

/// The three decisions, each with the item status it sets and, for an offer, the offer status and revision action.
enum ApprovalDecision: String, Sendable {
    case approve, reject, cancel

    var itemStatus: String {
        switch self {
        case .approve: return "approved"
        case .reject: return "rejected"
        case .cancel: return "cancelled"
        }
    }

    /// An approved offer goes out (sent); a rejected or withdrawn one goes back to its author as a draft.
    /// Where the offer goes, by the offers' own state machine (one place for every offer transition).
    var offerStatus: String {
        get throws { try OfferStatus.pendingApproval.apply(self == .approve ? .approve : .approvalDenied).rawValue }
    }

    var revisionAction: String {
        switch self {
        case .approve: return "approved"
        case .reject: return "approval_rejected"
        case .cancel: return "approval_cancelled"
        }
    }
}

/// `POST /api/approval/{id}/approve|reject|cancel`: an optional note (the body may be left out).
struct ApprovalDecisionInput: Decodable, Sendable {
    var note: String?

    func validate(_ v: inout Validator) {
        v.text(note, "note", required: false, maxLength: 2000)
    }
}

/// `PUT /api/approval/thresholds`: sets (or replaces) the company's threshold for a source type and currency.
struct ApprovalThresholdInput: Decodable, Sendable, ValidatableBody {
    var sourceType: String?
    var currency: String?
    var thresholdMinor: Int64?

    func validate(_ v: inout Validator) {
        v.oneOf(sourceType, "sourceType", ApprovalValues.sourceTypes, required: true)
        v.currency(currency, "currency", required: true)
        if thresholdMinor == nil { v.add("thresholdMinor", "required", "This field is required.") }
        v.minorAmount(thresholdMinor, "thresholdMinor")
        if let thresholdMinor, thresholdMinor > 100_000_000_000_000 {
            v.add("thresholdMinor", "out_of_range", "At most 100000000000000.")
        }
    }
}

struct ApprovalFilter: Sendable {
    var status: String?
    var sourceType: String?
    var requestedBy: UUID?
    var sourceID: UUID?
}
