import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

/// The plumbing Platform Core's workspace routes sit on: own tokens verified by the key store,
/// `x-workspace-id` or `x-org`, membership and permissions from the database, revoked sessions refused.
@Suite("Tenant route plumbing")
struct TenantGroupTests {
    struct Echo: ResponseEncodable {
        var companyId: UUID
        var userId: UUID
        var role: String?
    }

    func app(_ h: Harness) -> some ApplicationProtocol {
        let router = Router<PlatformRequestContext>.kisum()
        let group = h.core.routeGroups(router).tenant("/api/v1/probe")
        group.get("members") { _, context in
            let scope = try context.tenant(permission: Permission.membersRead)
            return Echo(companyId: scope.companyID, userId: scope.userID, role: context.kisum.access?.role)
        }
        group.post("members") { _, context in
            let scope = try context.tenant(permission: Permission.membersInvite)
            return Echo(companyId: scope.companyID, userId: scope.userID, role: context.kisum.access?.role)
        }
        return Application(router: router)
    }

    @Test func headersMembershipAndPermissionsAreEnforced() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let viewer = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let other = try await h.workspace(owner: stranger)
        try await h.addMember(viewer, to: workspace, role: "viewer")
        let ownerToken = try await h.token(for: owner)
        let viewerToken = try await h.token(for: viewer)
        try await app(h).test(.router) { client in
            let api = APITestClient(client)
            let asOwner = api.with(token: ownerToken)
            // Both tenant headers are accepted.
            let viaWorkspace = try await asOwner.workspaceHeader(workspace.id).get("/api/v1/probe/members")
            #expect(viaWorkspace.status == .ok)
            #expect(viaWorkspace.json["company_id"]?.uuid == workspace.id)
            #expect(viaWorkspace.json["role"] == "owner")
            #expect(try await asOwner.with(org: workspace.id).get("/api/v1/probe/members").status == .ok)
            // Missing or malformed tenant.
            #expect(try await asOwner.get("/api/v1/probe/members").errorCode == "tenant_required")
            #expect(try await asOwner.with(orgHeader: "nope").get("/api/v1/probe/members").errorCode == "tenant_invalid")
            // Another workspace: not a member.
            let foreign = try await asOwner.workspaceHeader(other.id).get("/api/v1/probe/members")
            #expect(foreign.status == .forbidden)
            #expect(foreign.errorCode == "not_a_member")
            // Viewer may read, not invite.
            let asViewer = api.with(token: viewerToken).workspaceHeader(workspace.id)
            #expect(try await asViewer.get("/api/v1/probe/members").status == .ok)
            let denied = try await asViewer.post("/api/v1/probe/members")
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
            // Tokens from elsewhere are refused; revoked sessions are refused.
            let foreignKeys = TestKeys()
            #expect(try await api.with(token: foreignKeys.token(userID: owner.id)).workspaceHeader(workspace.id)
                .get("/api/v1/probe/members").errorCode == "token_key_unknown")
            try await h.core.database.query("UPDATE sessions SET revoked_at = now(), revoked_reason = 'admin'")
            #expect(try await asOwner.workspaceHeader(workspace.id).get("/api/v1/probe/members").errorCode == "session_revoked")
        }
    }
}
