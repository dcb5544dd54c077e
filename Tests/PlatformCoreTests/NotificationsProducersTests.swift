import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
@testable import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "Notifications are produced by the platform itself, not only created by hand: invitations, role and
/// permission changes, removal, API-key expiry, billing events …"
@Suite("Notifications: permission changes and API-key expiry")
struct NotificationsProducersTests {
    @Test func aRolesMembersLearnTheirPermissionsChangedButNotWhoChangedThem() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let colleague = try await h.user()
        try await h.addMember(colleague, to: crew.workspace, role: "member")
        try await h.run { api async throws in
            let changed = try await crew.client(api, "admin").put("/api/v1/permissions/roles/member",
                                                                  ["permissions": ["teams.read": false, "api_keys.read": true]])
            #expect(changed.status == .ok)
            let inbox = try await crew.client(api, "member").get("/api/v1/notifications")
            let items = inbox.json["items"]?.arrayValue ?? []
            let notice = try #require(items.first { $0["type"] == "permissions.updated" })
            #expect(notice["data"]?["role"] == "member")
            #expect(notice["data"]?["granted"] == ["api_keys.read"])
            #expect(notice["data"]?["revoked"] == ["teams.read"])
            #expect(try await h.count("""
                SELECT count(*)::int FROM notifications WHERE workspace_id = '\(crew.workspace.id)' AND type = 'permissions.updated'
                """) == 2, "both members of the role, nobody else")
            let adminInbox = try await crew.client(api, "admin").get("/api/v1/notifications")
            #expect(adminInbox.json["items"]?.arrayValue?.contains { $0["type"] == "permissions.updated" } == false)
            // Repeating the same change changes nothing, so it tells nobody again.
            _ = try await crew.client(api, "admin").put("/api/v1/permissions/roles/member",
                                                        ["permissions": ["teams.read": false, "api_keys.read": true]])
            #expect(try await h.count("SELECT count(*)::int FROM notifications WHERE type = 'permissions.updated'") == 2)
        }
    }

    @Test func aKeyExpiringWithinAWeekIsAnnouncedToItsCreatorOnce() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let other = try await AccessCrew.make(h)
        let soon = Date().addingTimeInterval(3 * 86_400).ISO8601Format()
        let later = Date().addingTimeInterval(30 * 86_400).ISO8601Format()
        try await h.run { api async throws in
            let asAdmin = crew.client(api, "admin")
            let expiring = try await asAdmin.post("/api/v1/api-keys", ["name": "Nightly sync", "scopes": ["basic.artists.read"],
                                                                       "expires_at": .string(soon)])
            #expect(expiring.status == .created)
            _ = try await asAdmin.post("/api/v1/api-keys", ["name": "Quarterly", "scopes": ["basic.artists.read"], "expires_at": .string(later)])
            _ = try await asAdmin.post("/api/v1/api-keys", ["name": "Forever", "scopes": ["basic.artists.read"]])
            let revoked = try await asAdmin.post("/api/v1/api-keys", ["name": "Gone", "scopes": ["basic.artists.read"], "expires_at": .string(soon)])
            let revokedID = try #require(revoked.json["id"]?.stringValue)
            #expect(try await asAdmin.post("/api/v1/api-keys/\(revokedID)/revoke", [:]).status == .ok)
            // Another workspace's key expiring is its creator's business only.
            _ = try await other.client(api, "owner").post("/api/v1/api-keys", ["name": "Theirs", "scopes": ["basic.artists.read"],
                                                                                "expires_at": .string(soon)])

            let notices = APIKeyExpiryNotices(database: h.core.database, notifier: h.core.notifier)
            #expect(try await notices.pass() == 2)
            #expect(try await notices.pass() == 0, "a second pass tells nobody again")
            let inbox = try await asAdmin.get("/api/v1/notifications")
            let told = (inbox.json["items"]?.arrayValue ?? []).filter { $0["type"] == "api_key.expiring" }
            #expect(told.count == 1)
            #expect(told.first?["data"]?["api_key_id"] == expiring.json["id"])
            #expect(told.first?["title"]?.stringValue?.contains("Nightly sync") == true)
            #expect(try await crew.client(api, "owner").get("/api/v1/notifications").json["items"]?.arrayValue?
                .contains { $0["type"] == "api_key.expiring" } == false, "only the key's creator")
            #expect(try await h.count("""
                SELECT count(*)::int FROM notifications WHERE workspace_id = '\(other.workspace.id)' AND type = 'api_key.expiring'
                """) == 1)
            // The worker's queue runs a pass at most once per interval and never keeps the worker busy.
            let hourly = APIKeyExpiryNotices(database: h.core.database, notifier: h.core.notifier, interval: .seconds(3600))
            #expect(try await hourly.runIfDue() == false)
        }
    }
}
