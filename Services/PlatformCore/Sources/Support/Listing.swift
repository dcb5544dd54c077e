import Foundation
import Hummingbird
import KisumKernel

/// A page of a Platform Core list: `{"items": [...], "total": n, "skip": s, "limit": l}` (snake_case
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
