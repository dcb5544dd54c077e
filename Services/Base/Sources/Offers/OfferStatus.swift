import KisumKernel

/// The offer's lifecycle (issue 9: "Offer state machine enforced in one place: illegal transitions answer 409
/// with the allowed ones"). Every status change of an offer, including the approval queue's decisions, asks
/// `OfferStatus.apply` for its target; nothing else writes `offers.status`.
///
///     draft ──send──▶ sent, or pending_approval when the guarantee reaches the company's threshold
///     pending_approval ──approve──▶ sent      ──approval_denied (rejected or cancelled item)──▶ draft
///     sent ──counter──▶ countered             sent, countered ──accept──▶ accepted / ──reject──▶ rejected
///     countered ──send──▶ sent (or pending_approval)
///     accepted ──convert──▶ converted (an event exists)
///     draft, pending_approval, sent, countered ──cancel──▶ cancelled
///
/// rejected, cancelled and converted are final.
enum OfferStatus: String, CaseIterable, Sendable {
    case draft
    case pendingApproval = "pending_approval"
    case sent
    case countered
    case accepted
    case rejected
    case cancelled
    case converted

    static let all = allCases.map(\.rawValue)

    /// The terms may be edited (PUT) only before they are out for an answer or after the other side countered.
    var isEditable: Bool { self == .draft || self == .countered }

    /// Deleting keeps no trace, so only offers nobody else saw or that ended without a deal may go.
    var isDeletable: Bool { self == .draft || self == .cancelled || self == .rejected }

    /// Every edge of the machine: (from, action, to).
    private static let edges: [(OfferStatus, OfferAction, OfferStatus)] = [
        (.draft, .send, .sent), (.draft, .send, .pendingApproval),
        (.countered, .send, .sent), (.countered, .send, .pendingApproval),
        (.pendingApproval, .approve, .sent), (.pendingApproval, .approvalDenied, .draft),
        (.sent, .counter, .countered),
        (.sent, .accept, .accepted), (.countered, .accept, .accepted),
        (.sent, .reject, .rejected), (.countered, .reject, .rejected),
        (.draft, .cancel, .cancelled), (.pendingApproval, .cancel, .cancelled), (.sent, .cancel, .cancelled),
        (.countered, .cancel, .cancelled),
        (.accepted, .convert, .converted),
    ]

    /// The statuses this one may move to, in the machine's order.
    var next: [OfferStatus] {
        var seen: [OfferStatus] = []
        for (from, _, to) in Self.edges where from == self && !seen.contains(to) { seen.append(to) }
        return seen
    }

    /// The status `action` leads to from here (`needsApproval` picks pending_approval over sent for a send),
    /// or 409 `invalid_transition` with `allowed` listing the legal next statuses.
    func apply(_ action: OfferAction, needsApproval: Bool = false) throws -> OfferStatus {
        let targets = Self.edges.filter { $0.0 == self && $0.1 == action }.map(\.2)
        let wanted: OfferStatus? = action == .send ? (needsApproval ? .pendingApproval : .sent) : targets.first
        guard let wanted, targets.contains(wanted) else {
            throw invalidTransition(to: action.describes)
        }
        return wanted
    }

    /// The action `PATCH /api/offer/{id}/status` runs for a wanted status: only those that need no more than a
    /// version (countering carries terms, converting creates an event, approval decisions belong to the queue).
    static func patchAction(to status: OfferStatus) -> OfferAction? {
        switch status {
        case .sent: .send
        case .accepted: .accept
        case .rejected: .reject
        case .cancelled: .cancel
        default: nil
        }
    }

    func invalidTransition(to wanted: String) -> APIError {
        let allowed = next.map(\.rawValue)
        return APIError.conflict(
            "invalid_transition",
            "A \(rawValue) offer cannot \(wanted)\(allowed.isEmpty ? "; it is final." : "; it may become: \(allowed.joined(separator: ", ")).")",
            info: ["status": .string(rawValue), "allowed": .array(allowed.map { .string($0) })])
    }
}

/// What moves an offer; each is also the `action` of the revision it writes.
enum OfferAction: String, Sendable {
    case send
    case approve = "approved"
    case approvalDenied = "approval_denied"
    case counter
    case accept
    case reject
    case cancel
    case convert = "convert_to_event"

    var describes: String {
        switch self {
        case .send: "be sent"
        case .approve: "be approved"
        case .approvalDenied: "return to draft"
        case .counter: "be countered"
        case .accept: "be accepted"
        case .reject: "be rejected"
        case .cancel: "be cancelled"
        case .convert: "be converted into an event"
        }
    }
}
