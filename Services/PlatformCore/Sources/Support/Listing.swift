import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// A page of a Platform Core list the spec documents with paging (`GET /members`): `{"items": [...], "total": n, "skip": s, "limit": l}` (snake_case
/// services page with `skip`/`limit`, as the spec's list operations do). `total` counts every row the
/// filters match, so a client can page without a second request.
public struct OffsetPage<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    public var items: [Item]
    public var total: Int
    public var skip: Int
    public var limit: Int

    public init(items: [Item], total: Int, skip: Int, limit: Int) {
        self.items = items
        self.total = total
        self.skip = skip
        self.limit = limit
    }
}

/// A list the spec documents as a plain JSON array (`GET /api-keys`, `/workspaces`, `/workspaces/{id}/members`,
/// `/teams`, `/teams/{id}/members`): the array itself, with the number of rows the filters match in
/// `X-Total-Count`. Paging is optional (`skip`, `limit`); without `limit` a list answers up to
/// `PlainList.maxLimit` rows, and `X-Total-Count` tells whether there are more — never a silent cut.
public struct PlainList<Item: Encodable & Sendable>: ResponseGenerator, Sendable {
    public static var maxLimit: Int { 1000 }

    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(items, from: request, context: context)
        response.headers[.xTotalCount] = String(total)
        return response
    }
}

extension QueryReader {
    /// `skip` and `limit` of a `PlainList` (limit 1…1000, default 1000).
    mutating func plainListWindow() -> (skip: Int, limit: Int) {
        skipLimit(defaultLimit: PlainList<Int>.maxLimit, maxLimit: PlainList<Int>.maxLimit)
    }
}

extension APIError {
    /// 403 for a permission the caller's role lacks, the same shape the kernel's permission check uses.
    static func permissionDenied(_ permission: String) -> APIError {
        APIError(.forbidden, code: "permission_denied", message: "Missing permission \(permission).",
                 info: ["permission": .string(permission)])
    }
}

extension DatabaseAccessResolver {
    /// Access check for `jwt` routes that name the workspace in the path (`/workspaces/{workspace_id}/…`):
    /// not an active member (or an unknown / malformed id) → 404, so workspace ids cannot be probed;
    /// a member without `permission` → 403.
    func workspaceAccess(userID: UUID, workspaceID: UUID, permission: String?) async throws -> EffectiveAccess {
        guard let access = try await resolve(userID: userID, companyID: workspaceID) else {
            throw APIError.notFound("workspace")
        }
        if let permission, !access.permits(permission) { throw APIError.permissionDenied(permission) }
        return access
    }
}
