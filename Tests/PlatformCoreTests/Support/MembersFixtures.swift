import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOCore
import PlatformCore
import PostgresNIO

/// A workspace with one member of each role, plus a stranger with a workspace of their own — the cast of
/// the Members and Teams tests.
struct Crew {
    let h: Harness
    let owner: User
    let admin: User
    let member: User
    let viewer: User
    let workspace: Workspace
    let stranger: User
    let otherWorkspace: Workspace

    static func make(_ h: Harness) async throws -> Crew {
        let owner = try await h.user(name: "Olivia Owner")
        let admin = try await h.user(name: "Adam Admin")
        let member = try await h.user(name: "Mia Member")
        let viewer = try await h.user(name: "Victor Viewer")
        let stranger = try await h.user(name: "Sam Stranger")
        let workspace = try await h.workspace(owner: owner)
        let otherWorkspace = try await h.workspace(owner: stranger)
        try await h.addMember(admin, to: workspace, role: "admin")
        try await h.addMember(member, to: workspace, role: "member")
        try await h.addMember(viewer, to: workspace, role: "viewer")
        return Crew(h: h, owner: owner, admin: admin, member: member, viewer: viewer, workspace: workspace,
                    stranger: stranger, otherWorkspace: otherWorkspace)
    }

    /// The membership id (= member_id) of `user` in `workspace` (the crew's by default).
    func memberID(_ user: User, in workspace: Workspace? = nil) async throws -> UUID {
        let workspaceID = (workspace ?? self.workspace).id
        return try await h.core.database.query("""
            SELECT id FROM memberships WHERE workspace_id = \(workspaceID) AND user_id = \(user.id)
            """).first { try $0.decode(UUID.self) }!
    }

    /// A client signed in as `user` with the crew's workspace (or `workspace`) in x-workspace-id.
    func client(_ api: APITestClient, as user: User, in workspace: Workspace? = nil) async throws -> APITestClient {
        api.with(token: try await h.token(for: user)).workspaceHeader((workspace ?? self.workspace).id)
    }
}

extension Harness {
    /// The first column of the first row as text (nil when there is no row or it is NULL).
    func text(_ sql: String) async throws -> String? {
        try await core.database.query(PostgresQuery(unsafeSQL: sql)).first { try $0.decode(String?.self) } ?? nil
    }

    /// Takes `permission` away from `role` in `workspace` (to test refusals of roles that have it by default).
    func revoke(_ permission: String, from role: String, in workspace: Workspace) async throws {
        try await core.database.query("""
            DELETE FROM role_permissions WHERE workspace_id = \(workspace.id) AND role = \(role) AND permission = \(permission)
            """)
    }

    /// An API key row created by `user` (the API Keys routes are not part of these tests).
    @discardableResult
    func apiKey(named name: String, in workspace: Workspace, createdBy user: User) async throws -> UUID {
        try await core.database.query("""
            INSERT INTO api_keys (workspace_id, name, prefix, key_hash, created_by)
            VALUES (\(workspace.id), \(name), 'kisum_sk_' || substr(md5(random()::text), 1, 8), sha256(gen_random_uuid()::text::bytea), \(user.id))
            RETURNING id
            """).first { try $0.decode(UUID.self) }!
    }

    /// An `invited` membership with its pending invitation and a live invitation token, as the invite flow
    /// leaves them. Returns (member id, invitation id, token id).
    func invite(_ user: User, to workspace: Workspace, by inviter: User, role: String = "member") async throws -> (UUID, UUID, UUID) {
        try await core.database.transaction { connection in
            let memberID = try await connection.query("""
                INSERT INTO memberships (workspace_id, user_id, role, status, invited_by)
                VALUES (\(workspace.id), \(user.id), \(role), 'invited', \(inviter.id)) RETURNING id
                """, logger: core.logger).first { try $0.decode(UUID.self) }!
            let token = try await core.singleUseTokens.issue(.invitation, userID: user.id, workspaceID: workspace.id, email: user.email,
                                                             createdBy: inviter.id, ttl: 86400, on: connection)
            let invitationID = try await connection.query("""
                INSERT INTO invitations (workspace_id, email, user_id, membership_id, role, token_id, invited_by, expires_at)
                VALUES (\(workspace.id), \(user.email), \(user.id), \(memberID), \(role), \(token.id), \(inviter.id), now() + interval '7 days')
                RETURNING id
                """, logger: core.logger).first { try $0.decode(UUID.self) }!
            return (memberID, invitationID, token.id)
        }
    }
}

extension APITestClient {
    /// A multipart upload of `bytes` in field "file" with this client's token and headers.
    func uploadFile(_ path: String, _ bytes: [UInt8]) async throws -> TestResponse {
        let boundary = "kisum-members-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = extraHeaders
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let org { headers[.xOrg] = org }
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(uri: path, method: .post, headers: headers, body: body)
    }
}
