import Foundation
import Hummingbird
import KisumKernel

/// `GET /activity` and `GET /activity/stats` (`activity.read`): the workspace's feed, filled by every
/// state-changing Platform Core route (`WorkspaceRepository.recordActivity`, in the change's transaction).
struct ActivityHandlers {
    let activity: ActivityRepository

    /// The spec's query: `types`, `search`, `start_date`, `end_date`, `scope` (mine/all), `user_ids`, `team_ids`,
    /// `limit` (1…100, default 20), `offset`; plus `actions` (action names). Answers `{items, total, limit, offset}`.
    @Sendable func feed(_ request: Request, context: PlatformRequestContext) async throws -> ActivityPage {
        let scope = try context.tenant(permission: Permission.activityRead)
        var query = QueryReader(request)
        let limit = query.int("limit", range: 1...ActivityPage.maxLimit) ?? ActivityPage.defaultLimit
        let offset = query.int("offset", range: 0...ActivityPage.maxOffset) ?? 0
        var problems = ActivityFilterReader.Problems()
        problems.malformed = query.issues
        let filter = ActivityFilterReader.filter(Self.raw(request.uri.queryParameters), userID: scope.userID, problems: &problems)
        try ActivityFilterReader.check(problems, query: true)
        let page = try await activity.page(workspaceID: scope.companyID, filter: filter, limit: limit, offset: offset)
        return ActivityPage(items: page.items, total: page.total, limit: limit, offset: offset)
    }

    /// `GET /activity/stats`: totals (all time, today, 7 and 30 days, the caller's own), the last 30 days by
    /// action, type, day and most active users.
    @Sendable func stats(_ request: Request, context: PlatformRequestContext) async throws -> ActivityStats {
        let scope = try context.tenant(permission: Permission.activityRead)
        return try await activity.stats(workspaceID: scope.companyID, userID: scope.userID)
    }

    /// Query values as sent: free-text lists keep "" as absent; typed ones (dates, scope) are read as sent, so an
    /// empty typed parameter is refused rather than ignored.
    static func raw(_ parameters: Parameters) -> ActivityFilterReader.Raw {
        func text(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        return ActivityFilterReader.Raw(types: text("types"), actions: text("actions"), userIDs: text("user_ids"),
                                        teamIDs: text("team_ids"), search: text("search"), startDate: parameters.get("start_date"),
                                        endDate: parameters.get("end_date"), scope: parameters.get("scope"))
    }
}
