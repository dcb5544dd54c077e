import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

private typealias F = WorkspaceFixtures

/// The invitee's journey: e-mail → details → accept → sign-in, and the links that must stop working.
@Suite("Workspaces: invitation flow")
struct InvitationFlowTests {
    /// Spec, "Invite a user to a workspace via email": "The user must already be registered in the system."
    /// and `POST /members`: "1. Check if user exists in main database". New people join through the invite link.
    @Test func anEmailInvitationNeedsARegisteredUser() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: crew.owner))
            let refused = try await asOwner.post("/api/v1/workspaces/\(crew.workspace.id)/invite", ["email": "stranger.here@example.com"])
            #expect(refused.status == .notFound)
            #expect(refused.errorCode == "user_not_found")
            let viaMembers = try await crew.client(api, as: crew.owner).post("/api/v1/members", ["email": "stranger.here@example.com"])
            #expect(viaMembers.status == .notFound)
            #expect(viaMembers.errorCode == "user_not_found")
            // Nothing was created: no account, no membership, no e-mail.
            #expect(try await h.count("SELECT count(*) FROM users WHERE email = 'stranger.here@example.com'") == 0)
            #expect(try await h.emails(to: "stranger.here@example.com").isEmpty)
            // The copied-link flow is how new people join: it creates their (pending) account.
            let link = try await asOwner.post("/api/v1/workspaces/\(crew.workspace.id)/invite-link", ["email": "stranger.here@example.com"])
            #expect(link.status == .ok)
            #expect(try await h.count("SELECT count(*) FROM users WHERE email = 'stranger.here@example.com' AND status = 'pending'") == 1)
        }
    }

    @Test func invitedNewcomerAcceptsSignsInAndShowsAsActive() async throws {
        let h = try await Harness.make()
        let owner = try await h.user(name: "Olga Owner")
        let workspace = try await h.workspace(owner: owner, name: "Paradiso")
        // Registered without a password yet (a provisioned account, or one created by another workspace's link).
        try await h.user("new.booker@example.com", password: nil, status: "pending", name: nil)
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let invited = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite",
                                                 ["email": "New.Booker@Example.com", "role": "admin", "title": "Booker"])
            #expect(invited.status == .created)
            #expect(invited.json["email"] == "new.booker@example.com")
            #expect(invited.json["status"] == "pending")
            #expect(invited.json["role"] == "admin")
            #expect(invited.json["delivery"] == "email")
            let memberID = try #require(invited.json["member_id"]?.uuid)

            let email = try await h.lastEmail(to: "new.booker@example.com")
            #expect(email["kind"] == "invitation")
            #expect(email["subject"]?.stringValue?.contains("Paradiso") == true)
            #expect(email["text"]?.stringValue?.contains("Olga Owner") == true)
            let token = try await F.invitationToken(h, to: "new.booker@example.com")
            #expect(!token.isEmpty)

            // The member list shows the pending invitation before anything is accepted.
            let pending = try await asOwner.get("/api/v1/workspaces/\(workspace.id)/members?status=invited")
            #expect(pending.totalCount == 1)
            #expect(pending.json[0]?["id"]?.uuid == memberID)
            #expect(pending.json[0]?["invitation_id"]?.uuid == invited.json["id"]?.uuid)
            #expect(pending.json[0]?["title"] == "Booker")
            #expect(pending.json[0]?["user_status"] == "pending")

            let details = try await api.get("/api/v1/workspaces/invitations/details?token=\(token)")
            #expect(details.status == .ok)
            #expect(details.json["workspace"]?["name"] == "Paradiso")
            #expect(details.json["email"] == "new.booker@example.com")
            #expect(details.json["role"] == "admin")
            #expect(details.json["invited_by"]?["email"]?.stringValue == owner.email)
            #expect(details.json["requires_password"] == true)
            #expect(details.json["expires_at"]?.isNull == false)
            #expect(try await api.get("/api/v1/workspaces/invitations/details").errorCode == "invalid_query")

            // A new account needs a password that passes the policy.
            let noPassword = try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(token)])
            #expect(noPassword.status == .unprocessableContent)
            #expect(F.fields(noPassword) == ["password"])
            #expect(F.fields(try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(token), "password": "short"]))
                == ["password"])
            #expect(F.fields(try await api.post("/api/v1/workspaces/invitations/accept", ["password": "long enough password"])) == ["token"])
            #expect(try await api.request(.post, "/api/v1/workspaces/invitations/accept", rawBody: "{").errorCode == "invalid_body")

            let accepted = try await api.post("/api/v1/workspaces/invitations/accept",
                                              ["token": .string(token), "password": "a fresh password", "full_name": "Nina Booker"])
            #expect(accepted.status == .ok)
            #expect(accepted.json["signed_in"] == true)
            #expect(accepted.json["member_id"]?.uuid == memberID)
            #expect(accepted.json["role"] == "admin")
            #expect(accepted.json["user"]?["status"] == "active")
            #expect(accepted.json["user"]?["full_name"] == "Nina Booker")
            #expect(accepted.json["user"]?["email_verified"] == true)
            #expect(accepted.json["workspaces"]?[0]?["id"]?.uuid == workspace.id)
            // The tokens work at once, with the new role.
            let asNewcomer = api.with(token: accepted.json["access_token"]?.stringValue)
            #expect(try await asNewcomer.get("/api/v1/workspaces/\(workspace.id)").json["role"] == "admin")

            // The link is spent; the password signs in.
            #expect(try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(token), "password": "a fresh password"])
                .errorCode == "token_used")
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=\(token)").errorCode == "token_used")
            #expect(try await api.login("new.booker@example.com", "a fresh password").status == .ok)

            let members = try await asOwner.get("/api/v1/workspaces/\(workspace.id)/members")
            let row = members.json.arrayValue?.first { $0["id"]?.uuid == memberID }
            #expect(row?["status"] == "active")
            #expect(row?["joined_at"]?.isNull == false)
            #expect(row?["invitation_id"] == .null)
            #expect(try await h.count("SELECT count(*) FROM invitations WHERE workspace_id = '\(workspace.id)' AND status = 'accepted'") == 1)
            #expect(try await h.count("SELECT count(*) FROM activity WHERE workspace_id = '\(workspace.id)' AND action = 'member.joined'") == 1)
        }
    }

    @Test func anExistingAccountJoinsWithoutItsCredentialsBeingTouched() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let existing = try await h.user("known@example.com")
        let workspace = try await h.workspace(owner: owner)
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let link = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite-link", ["email": "known@example.com", "role": "viewer"])
            #expect(link.status == .ok)
            let token = tokenParameter(link.json["invite_url"])
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=\(token)").json["requires_password"] == false)
            // Spec: "If the user doesn't have a password, one must be provided" — this account has one, so a
            // password sent along is ignored (the invitation is accepted and the answer says so). Whoever holds
            // a copied link cannot set the password of an existing account, nor is signed in as it.
            let accepted = try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(token), "password": "attacker password"])
            #expect(accepted.status == .ok)
            #expect(accepted.json["password_ignored"] == true)
            #expect(accepted.json["message"]?.stringValue?.contains("ignored") == true)
            #expect(accepted.json["signed_in"] == false)
            #expect(accepted.json["access_token"] == .null)
            #expect(accepted.json["workspaces"] == .null)
            #expect(try await api.login(existing.email).status == .ok)
            #expect(try await api.login(existing.email, "attacker password").status == .unauthorized)
            let asExisting = api.with(token: try await h.token(for: existing))
            #expect(try await asExisting.get("/api/v1/workspaces/\(workspace.id)").json["role"] == "viewer")
        }
    }

    @Test func aCopiedLinkActivatesButDoesNotVerifyTheAddress() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let first = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite-link", ["email": "slack@example.com"])
            #expect(first.status == .ok)
            #expect(first.json["invitation"]?["delivery"] == "link")
            #expect(first.json["invitation"]?["role"] == "member")
            #expect(first.json["expires_at"]?.isNull == false)
            let second = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite-link", ["email": "slack@example.com"])
            #expect(second.json["invitation"]?["id"] == first.json["invitation"]?["id"])
            let firstToken = tokenParameter(first.json["invite_url"])
            let secondToken = tokenParameter(second.json["invite_url"])
            #expect(firstToken != secondToken)
            // Nothing was e-mailed; the first link died with the second.
            #expect(try await h.emails(to: "slack@example.com").isEmpty)
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=\(firstToken)").errorCode == "token_invalid")
            #expect(try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(firstToken), "password": "long enough pw"])
                .errorCode == "token_invalid")
            let accepted = try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(secondToken), "password": "long enough pw"])
            #expect(accepted.status == .ok)
            #expect(accepted.json["user"]?["status"] == "active")
            #expect(accepted.json["user"]?["email_verified"] == false)
        }
    }

    @Test func cancelledAndSupersededTokensAreRefused() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.user("gone@example.com")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            let invited = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "gone@example.com"])
            let token = try await F.invitationToken(h, to: "gone@example.com")
            let cancelled = try await asOwner.post("/api/v1/workspaces/invitations/cancel",
                                                   ["workspace_id": F.id(workspace.id), "invitation_id": invited.json["id"]!])
            #expect(cancelled.status == .ok)
            #expect(cancelled.json["status"] == "cancelled")
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=\(token)").errorCode == "token_invalid")
            #expect(try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(token), "password": "long enough pw"])
                .errorCode == "token_invalid")
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=not-a-token").errorCode == "token_invalid")
        }
    }

    @Test func expiredInvitationsAreRefusedAndReinvitingRenewsThem() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.user("late@example.com")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            _ = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "late@example.com", "role": "viewer"])
            let old = try await F.invitationToken(h, to: "late@example.com")
            try await h.core.database.query("UPDATE single_use_tokens SET expires_at = now() - interval '1 minute' WHERE kind = 'invitation'")
            try await h.core.database.query("UPDATE invitations SET expires_at = now() - interval '1 minute'")
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=\(old)").errorCode == "token_expired")
            let members = try await asOwner.get("/api/v1/workspaces/\(workspace.id)/members?status=invited")
            #expect(members.json[0]?["invitation_expired"] == true)
            // Inviting again renews the same invitation with a new link and role.
            let again = try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "late@example.com", "role": "member"])
            #expect(again.status == .created)
            #expect(again.json["role"] == "member")
            #expect(try await h.count("SELECT count(*) FROM invitations WHERE workspace_id = '\(workspace.id)'") == 1)
            let fresh = try await F.invitationToken(h, to: "late@example.com")
            #expect(try await api.get("/api/v1/workspaces/invitations/details?token=\(fresh)").json["role"] == "member")
        }
    }

    @Test func acceptingIsRefusedForDisabledAccounts() async throws {
        let h = try await Harness.make()
        let owner = try await h.user()
        let workspace = try await h.workspace(owner: owner)
        try await h.user("off@example.com", status: "disabled")
        try await h.run { api async throws in
            let asOwner = api.with(token: try await h.token(for: owner))
            #expect(try await asOwner.post("/api/v1/workspaces/\(workspace.id)/invite", ["email": "off@example.com"]).status == .created)
            let token = try await F.invitationToken(h, to: "off@example.com")
            let refused = try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(token)])
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "account_disabled")
        }
    }
}
