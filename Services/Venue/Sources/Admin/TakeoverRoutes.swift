import Foundation
import Hummingbird
import KisumKernel

/// Takeover of sleeping venues: claims, their audit trail, activation and its reconciliation summary.
struct TakeoverRoutes: Sendable {
    typealias Context = VenueService.Context
    let takeover: TakeoverRepository
    let venues: VenuesRepository

    func addRoutes(to machine: RouterGroup<Context>) {
        let venues = machine.group("/internal/admin/venues")
        venues.post("{venueId}/takeover-approvals", use: postApproval)
        venues.get("{venueId}/takeover-approvals", use: listApprovals)
        venues.get("{venueId}/takeover-audit", use: listAudit)
        venues.get("{venueId}/reconciliation", use: reconciliation)
        venues.post("{venueId}/activate", use: activate)
    }

    /// A new claim (201) or, with `approvalId`, a decision on an existing one (200).
    @Sendable func postApproval(_ request: Request, context: Context) async throws -> EditedResponse<TakeoverApproval> {
        let number = try context.parameters.positiveInt("venueId", what: "venue")
        let holding = takeover.holdingCompanyID
        let body = try await request.decode(as: TakeoverApprovalRequest.self, context: context) {
            $0.validate(&$1, holdingCompanyID: holding)
        }
        if body.isDecision {
            guard let approval = try await takeover.decide(venueNumber: number, body) else { throw APIError.notFound("venue") }
            return EditedResponse(status: .ok, response: approval)
        }
        guard let approval = try await takeover.requestApproval(venueNumber: number, body) else { throw APIError.notFound("venue") }
        return EditedResponse(status: .created, response: approval)
    }

    @Sendable func listApprovals(_ request: Request, context: Context) async throws -> Page<TakeoverApproval> {
        let venueID = try await venue(context)
        var q = QueryReader(request)
        let page = q.page()
        let status = q.oneOf("status", TakeoverStatus.all)
        try q.validate()
        let result = try await takeover.approvals(venueID: venueID, status: status, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func listAudit(_ request: Request, context: Context) async throws -> Page<TakeoverAuditEntry> {
        let venueID = try await venue(context)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await takeover.audit(venueID: venueID, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The latest activation's summary. Activation writes one in its own transaction, so a venue without one
    /// was never activated: that is the venue's state (409 `venue_not_activated`), not a missing venue (404).
    @Sendable func reconciliation(_ request: Request, context: Context) async throws -> ReconciliationSummary {
        let venueID = try await venue(context)
        guard let summary = try await takeover.latestReconciliation(venueID: venueID) else {
            throw APIError.conflict("venue_not_activated",
                                    "The venue has not been activated from sleeping inventory, so it has no reconciliation summary.")
        }
        return summary
    }

    /// Activates an approved sleeping venue. The body (`approvalId`, `activatedBy`) is optional.
    @Sendable func activate(_ request: Request, context: Context) async throws -> ActivationResult {
        let number = try context.parameters.positiveInt("venueId", what: "venue")
        let body = try await request.decodeOptional(as: ActivateRequest.self, context: context, default: ActivateRequest()) { $0.validate(&$1) }
        guard let result = try await takeover.activate(venueNumber: number, body) else { throw APIError.notFound("venue") }
        guard let venue = try await venues.get(id: result.venueID) else { throw APIError.notFound("venue") }
        return ActivationResult(venue: venue, approval: result.approval, reconciliation: result.summary)
    }

    private func venue(_ context: Context) async throws -> UUID {
        let number = try context.parameters.positiveInt("venueId", what: "venue")
        guard let id = try await takeover.venueID(number: number) else { throw APIError.notFound("venue") }
        return id
    }
}
