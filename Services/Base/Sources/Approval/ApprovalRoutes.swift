import Foundation
import Hummingbird
import KisumKernel

/// `/api/approval`: the approval queue, its decisions and the company's thresholds (`basic.approvals.read` / `.write`).
struct ApprovalRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ApprovalRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let approval = tenant.group("/api/approval")
        approval.get("", use: list)
        approval.get("by-user", use: byUser)
        approval.get("thresholds", use: thresholds)
        approval.put("thresholds", use: setThreshold)
        approval.get("{id}", use: get)
        approval.post("{id}/approve", use: approve)
        approval.post("{id}/reject", use: reject)
        approval.post("{id}/cancel", use: cancel)
    }

    /// The queue: newest request first (`sort=requestedAt` for oldest first); filters combine with AND.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<ApprovalItem> {
        let scope = try context.tenant(permission: BasePermission.approvalsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = ApprovalFilter(status: q.oneOf("status", ApprovalValues.statuses), sourceType: q.oneOf("sourceType", ApprovalValues.sourceTypes),
                                    requestedBy: q.uuid("requestedBy"), sourceID: q.uuid("sourceId"))
        let sort = SortParameter.read(&q, allowed: ["requestedAt"], default: "-requestedAt")
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, oldestFirst: !sort.descending, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The items a user requested: the caller, or `userId`.
    @Sendable func byUser(_ request: Request, context: Context) async throws -> Page<ApprovalItem> {
        let scope = try context.tenant(permission: BasePermission.approvalsRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let user = q.uuid("userId") ?? scope.userID
        let filter = ApprovalFilter(status: q.oneOf("status", ApprovalValues.statuses), sourceType: q.oneOf("sourceType", ApprovalValues.sourceTypes),
                                    requestedBy: user)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, oldestFirst: false, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> ApprovalItem {
        let scope = try context.tenant(permission: BasePermission.approvalsRead)
        let id = try context.parameters.uuid("id", what: "approval item")
        return try await repository.get(companyID: scope.companyID, id: id).orNotFound("approval item")
    }

    @Sendable func approve(_ request: Request, context: Context) async throws -> ApprovalItem {
        try await decide(.approve, request, context)
    }

    @Sendable func reject(_ request: Request, context: Context) async throws -> ApprovalItem {
        try await decide(.reject, request, context)
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> ApprovalItem {
        try await decide(.cancel, request, context)
    }

    private func decide(_ decision: ApprovalDecision, _ request: Request, _ context: Context) async throws -> ApprovalItem {
        let scope = try context.tenant(permission: BasePermission.approvalsWrite)
        let id = try context.parameters.uuid("id", what: "approval item")
        let body = try await request.decodeOptional(as: ApprovalDecisionInput.self, context: context, default: ApprovalDecisionInput()) { body, v in
            body.validate(&v)
        }
        return try await repository.decide(companyID: scope.companyID, id: id, userID: scope.userID, decision, note: body.note)
            .orNotFound("approval item")
    }

    @Sendable func thresholds(_ request: Request, context: Context) async throws -> ApprovalThresholdList {
        let scope = try context.tenant(permission: BasePermission.approvalsRead)
        return ApprovalThresholdList(items: try await repository.thresholds(companyID: scope.companyID))
    }

    @Sendable func setThreshold(_ request: Request, context: Context) async throws -> ApprovalThreshold {
        let scope = try context.tenant(permission: BasePermission.approvalsWrite)
        let body = try await request.decodeValid(as: ApprovalThresholdInput.self, context: context)
        guard let threshold = try await repository.setThreshold(companyID: scope.companyID, userID: scope.userID, body) else {
            throw APIError.internalError
        }
        return threshold
    }
}
