import Foundation
import Hummingbird
import KisumKernel
import PostgresNIO

/// The caller's membership in one workspace, as `/auth/me?workspace_id=` shows it.
public struct MemberRecord: ResponseEncodable, Sendable {
    public var id: UUID
    public var workspaceId: UUID
    public var workspaceName: String
    public var role: String
    public var status: String
    public var title: String?
    public var department: String?
    public var joinedAt: Date?
    public var permissions: [String]
    public var modules: [String]
}

struct MeResponse: ResponseEncodable {
    var user: User
    var workspaces: [WorkspaceMembershipSummary]
    var member: MemberRecord?
}

struct ProfileHandlers {
    let core: PlatformServices

    /// `GET /auth/me[?workspace_id=]`: the user, their workspaces, and with `workspace_id` their member
    /// record there (404 when they are not an active member: another workspace's id reveals nothing).
    @Sendable func me(_ request: Request, context: PlatformRequestContext) async throws -> MeResponse {
        let identity = try context.requireIdentity()
        var query = QueryReader(request)
        let workspaceID = query.uuid("workspace_id")
        try query.validate()
        guard let user = try await core.users.find(id: identity.userID) else {
            throw APIError.unauthenticated("account_inactive", "This account no longer exists.")
        }
        var member: MemberRecord?
        if let workspaceID {
            member = try await memberRecord(userID: user.id, workspaceID: workspaceID)
            guard member != nil else { throw APIError.notFound("workspace") }
        }
        return MeResponse(user: user, workspaces: try await core.workspaces.memberships(userID: user.id), member: member)
    }

    func memberRecord(userID: UUID, workspaceID: UUID) async throws -> MemberRecord? {
        guard let access = try await core.access.resolve(userID: userID, companyID: workspaceID) else { return nil }
        return try await core.database.query("""
            SELECT m.id, w.name, m.role, m.status, m.title, m.department, m.joined_at
            FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.workspace_id = \(workspaceID) AND m.user_id = \(userID)
            """).first { row in
            let (id, name, role, status, title, department, joined) = try row.decode((UUID, String, String, String, String?, String?, Date?).self)
            return MemberRecord(id: id, workspaceId: workspaceID, workspaceName: name, role: role, status: status, title: title,
                                department: department, joinedAt: joined, permissions: access.permissions, modules: access.modules)
        }
    }
}
