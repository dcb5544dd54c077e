import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import Testing

private typealias F = WorkspaceFixtures

@Suite("Workspaces: members, provisioning and password resets")
struct WorkspacesAdminTests {
    @Test func memberListShowsMembersAndInvitationsInOneList() async throws {
        let h = try await Harness.make()
        let owner = try await h.user("owner@example.com", name: "Anna Owner")
        let viewer = try await h.user("viewer@example.com", name: "Victor Viewer")
        let removed = try await h.user("removed@example.com")
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let other = try await h.workspace(owner: stranger)
        try await h.addMember(viewer, to: workspace, role: "viewer")
        try await h.addMember(removed, to: workspace, role: "member", status: "removed")
        try await h.user("zed@example.com", name: "Zed")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            _ = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "zed@example.com", "role": "member"])
            let path = "/api/v1/workspaces/\(workspace.id)/members"
            let all = try await api.with(token: try await h.token(for: viewer)).get(path)
            #expect(all.status == .ok)
            #expect(all.totalCount == 3)
            let emails = all.json.arrayValue?.compactMap { $0["email"]?.stringValue }
            #expect(emails == ["owner@example.com", "viewer@example.com", "zed@example.com"])
            #expect(all.json[0]?["role"] == "owner")
            #expect(all.json[0]?["full_name"] == "Anna Owner")
            #expect(all.json[0]?["has_password"] == true)
            #expect(all.json[2]?["status"] == "invited")
            #expect(all.json[2]?["invited_by"]?.uuid == owner.id)
            #expect(all.json[2]?["invitation_expires_at"]?.isNull == false)

            #expect(try await asOwner.get("\(path)?q=victor").json[0]?["email"] == "viewer@example.com")
            #expect(try await asOwner.get("\(path)?role=member").totalCount == 1)
            #expect(try await asOwner.get("\(path)?status=active").totalCount == 2)
            let page = try await asOwner.get("\(path)?skip=2&limit=1")
            #expect(page.json.arrayValue?.count == 1)
            #expect(page.totalCount == 3)
            #expect(try await asOwner.get("\(path)?role=king").errorCode == "invalid_query")

            #expect(try await api.with(token: try await h.token(for: stranger)).get(path).status == .notFound)
            #expect(try await asOwner.get("/api/v1/workspaces/\(other.id)/members").status == .notFound)
            try await F.setPermission(h, Permission.membersRead, role: "viewer", in: workspace, granted: false)
            let denied = try await api.with(token: try await h.token(for: viewer)).get(path)
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "permission_denied")
        }
    }

    @Test func provisioningIsForPlatformStaff() async throws {
        let h = try await Harness.make()
        let staff = try await F.superuser(h)
        let regular = try await h.user()
        let existing = try await h.user("existing@example.com")
        try await h.run { api async throws in
            let denied = try await api.with(token: try await h.token(for: regular)).post("/api/v1/workspaces/provision",
                                                                                        ["name": "Sneaky", "owner_email": "me@example.com"])
            #expect(denied.status == .forbidden)
            #expect(denied.errorCode == "superuser_required")
            #expect(try await h.count("SELECT count(*) FROM workspaces WHERE name = 'Sneaky'") == 0)

            let asStaff = api.with(token: try await h.token(for: staff))
            let invalid = try await asStaff.post("/api/v1/workspaces/provision", ["owner_email": "nope"])
            #expect(invalid.status == .unprocessableContent)
            #expect(F.fields(invalid) == ["name", "owner_email"])

            let provisioned = try await asStaff.post("/api/v1/workspaces/provision",
                                                     ["name": "Melkweg", "owner_email": "Boss@Melkweg.nl", "owner_full_name": "Bo Boss"])
            #expect(provisioned.status == .ok)
            #expect(provisioned.json["owner_created"] == true)
            #expect(provisioned.json["activation_email_sent"] == true)
            #expect(provisioned.json["owner"]?["status"] == "pending")
            #expect(provisioned.json["subscription"]?["provider"] == "local")
            let workspaceID = try #require(provisioned.json["workspace"]?["id"]?.uuid)
            let ownerID = try #require(provisioned.json["owner"]?["id"]?.uuid)
            #expect(provisioned.json["workspace"]?["owner_id"]?.uuid == ownerID)
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE workspace_id = '\(workspaceID)' AND user_id = '\(ownerID)' AND role = 'owner'") == 1)
            #expect(try await h.count("SELECT count(*) FROM memberships WHERE workspace_id = '\(workspaceID)' AND user_id = '\(staff.id)'") == 0)
            #expect(try await h.count("SELECT count(*) FROM module_settings WHERE workspace_id = '\(workspaceID)'") == 4)
            #expect(try await h.count("SELECT count(*) FROM billing_subscriptions WHERE workspace_id = '\(workspaceID)'") == 1)

            // The new owner activates with the e-mailed link and lands in the workspace.
            let email = try await h.lastEmail(to: "boss@melkweg.nl")
            #expect(email["kind"] == "activation")
            let activated = try await api.post("/api/v1/auth/activate", ["token": .string(tokenParameter(email["links"]?["activation"])),
                                                                        "password": "owner password 1"])
            #expect(activated.status == .ok)
            let asNewOwner = api.with(token: activated.json["access_token"]?.stringValue)
            #expect(try await asNewOwner.get("/api/v1/workspaces/\(workspaceID)").json["role"] == "owner")

            // An existing account becomes owner without an activation e-mail.
            let forExisting = try await asStaff.post("/api/v1/workspaces/provision", ["name": "Second", "owner_email": "existing@example.com"])
            #expect(forExisting.json["owner_created"] == false)
            #expect(forExisting.json["activation_email_sent"] == false)
            #expect(forExisting.json["owner"]?["id"]?.uuid == existing.id)
            #expect(try await h.emails(to: "existing@example.com").isEmpty)
        }
    }

    @Test func passwordResetsFollowPermissionRankAndMembership() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let admin = try await h.user()
        let member = try await h.user()
        let stranger = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        let other = try await h.workspace(owner: stranger)
        try await h.addMember(admin, to: workspace, role: "admin")
        try await h.addMember(member, to: workspace, role: "member")
        try await h.run { api async throws in
            let asAdmin = api.with(token: try await h.token(for: admin))
            let base = "/api/v1/workspaces/\(workspace.id)/users"

            let sent = try await asAdmin.post("\(base)/\(member.id)/password-reset")
            #expect(sent.status == .ok)
            #expect(sent.json["expires_at"]?.isNull == false)
            let mailed = tokenParameter(try await h.lastEmail(to: member.email)["links"]?["reset"])
            #expect(!mailed.isEmpty)

            let linked = try await asAdmin.post("\(base)/\(member.id)/password-reset-link")
            #expect(linked.status == .ok)
            #expect(linked.json["user_id"]?.uuid == member.id)
            let expires = try #require(linked.json["expires_at"]?.stringValue.flatMap(RFC3339.date(from:)))
            #expect(abs(expires.timeIntervalSinceNow - 86_400) < 300)
            #expect(try await h.emails(to: member.email).count == 1)
            // The copied link replaced the e-mailed one and resets the password.
            let copied = tokenParameter(linked.json["reset_url"])
            #expect(try await api.post("/api/v1/auth/reset-password", ["token": .string(mailed), "new_password": "new member password"])
                .errorCode == "token_invalid")
            #expect(try await api.post("/api/v1/auth/reset-password", ["token": .string(copied), "new_password": "new member password"])
                .status == .ok)
            #expect(try await api.login(member.email, "new member password").status == .ok)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE workspace_id = '\(workspace.id)' AND action LIKE 'member.password_reset%'") == 2)

            // Spec: "Requires admin or owner role in the workspace"; same or higher role only; members of this
            // workspace only.
            let above = try await asAdmin.post("\(base)/\(owner.id)/password-reset")
            #expect(above.status == .forbidden)
            #expect(above.errorCode == "insufficient_role")
            #expect(try await asAdmin.post("\(base)/\(admin.id)/password-reset-link").status == .ok)
            let denied = try await api.with(token: try await h.token(for: member)).post("\(base)/\(admin.id)/password-reset")
            #expect(denied.errorCode == "insufficient_role")
            #expect(try await asAdmin.post("\(base)/\(stranger.id)/password-reset").status == .notFound)
            #expect(try await asAdmin.post("\(base)/not-a-uuid/password-reset-link").status == .notFound)
            #expect(try await asAdmin.post("/api/v1/workspaces/\(other.id)/users/\(stranger.id)/password-reset").status == .notFound)
            #expect(try await api.with(token: try await h.token(for: stranger)).post("\(base)/\(member.id)/password-reset-link").status == .notFound)
        }
    }
}
