import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO
import Testing

/// Issue 11, Notifications: "Notifications are produced by the platform itself … and whatever the other services
/// report through an internal route (`POST /internal/notifications`, internal key) … Preferences … decide what is
/// delivered; e-mail goes through the existing outbox." The inbox routes: "Get notifications for the current user",
/// "Get count of unread notifications", "Mark notification(s) as read … If not provided, marks all".
@Suite("Platform Core: notifications")
struct NotificationsTests {
    /// Sends `type` to `users` of `workspace` through the internal route; the answer's JSON.
    static func notify(_ api: APITestClient, _ workspace: Workspace, _ users: [User], type: String = "booking.confirmed",
                       title: String = "Booking confirmed", dedupe: String? = nil, data: JSONValue = ["booking_id": "b-1"]) async throws -> TestResponse {
        try await api.internalKey().post("/internal/notifications", [
            "company_id": .string(workspace.id.uuidString), "user_ids": .array(users.map { .string($0.id.uuidString) }),
            "type": .string(type), "title": .string(title), "body": "Paradiso, 12 May", "data": data,
            "action_url": "/venue/bookings/b-1", "source": "venue", "dedupe_key": dedupe.map(JSONValue.string) ?? .null,
        ])
    }

    @Test func otherServicesNotifyActiveMembersOnceAndByEmail() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let stranger = try await h.user()
        try await h.run { api async throws in
            // The internal key is required.
            let keyless = try await api.post("/internal/notifications", ["company_id": .string(crew.workspace.id.uuidString)])
            #expect(keyless.status == .unauthorized)

            let sent = try await Self.notify(api, crew.workspace, [crew.member, stranger], dedupe: "booking:b-1:confirmed")
            #expect(sent.status == .ok)
            let delivered = sent.json["delivered"]?.arrayValue ?? []
            #expect(delivered.count == 1)
            #expect(delivered.first?["user_id"]?.uuid == crew.member.id)
            #expect(delivered.first?["notification_id"]?.uuid != nil)
            #expect(delivered.first?["emailed"] == true)
            #expect(sent.json["skipped"] == [["user_id": .string(stranger.id.uuidString.lowercased()), "reason": "not_a_member"]])

            let email = try await h.lastEmail(to: crew.member.email)
            #expect(email["kind"] == "notification")
            #expect(email["subject"] == "Booking confirmed")
            #expect(email["links"]?["action"] == "/venue/bookings/b-1")

            // A retried delivery (another service's outbox) changes nothing.
            let again = try await Self.notify(api, crew.workspace, [crew.member], dedupe: "booking:b-1:confirmed")
            #expect(again.json["delivered"] == [])
            #expect(again.json["skipped"]?[0]?["reason"] == "duplicate")
            #expect(try await h.count("SELECT count(*) FROM notifications WHERE user_id = '\(crew.member.id)'") == 1)
            #expect(try await h.emails(to: crew.member.email).count == 1)

            // Validation.
            let unknown = try await Self.notify(api, crew.workspace, [crew.member], type: "booking.exploded")
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorDetailCodes == ["unknown_event_type"])
            let invalid = try await api.internalKey().post("/internal/notifications", [
                "company_id": .string(crew.workspace.id.uuidString), "user_ids": [], "type": "booking.confirmed", "title": " ",
                "action_url": "javascript:alert(1)", "source": "Venue!", "data": [1, 2],
            ])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["user_ids", "title", "action_url", "source", "data"])
            let malformed = try await api.internalKey().post("/internal/notifications", ["company_id": "nope", "user_ids": []])
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func theInboxListsCountsAndMarksReadForItsOwnerOnly() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let otherWorkspace = try await h.workspace(owner: crew.member)
        try await h.run { api async throws in
            for n in 1...3 { _ = try await Self.notify(api, crew.workspace, [crew.member], title: "Booking \(n)") }
            let ownerNotice = try await Self.notify(api, crew.workspace, [crew.owner], title: "For the owner")
            let ownersID = try #require(ownerNotice.json["delivered"]?[0]?["notification_id"]?.stringValue)
            _ = try await Self.notify(api, otherWorkspace, [crew.member], title: "Elsewhere")

            let asMember = crew.client(api, "member")
            let list = try await asMember.get("/api/v1/notifications")
            #expect(list.status == .ok)
            #expect(list.json["total"] == 3)
            #expect(list.json["unread_count"] == 3)
            #expect(list.json["limit"] == 50)
            let items = list.json["items"]?.arrayValue ?? []
            #expect(items.compactMap { $0["title"]?.stringValue } == ["Booking 3", "Booking 2", "Booking 1"])
            #expect(items.first?["data"] == ["booking_id": "b-1"])
            #expect(items.first?["category"] == "Bookings & Finance")
            #expect(items.first?["is_read"] == false)
            #expect(items.first?["read_at"] == .null)
            #expect(items.first?["source"] == "venue")
            let page = try await asMember.get("/api/v1/notifications?limit=2&offset=2")
            #expect(page.json["items"]?.arrayValue?.count == 1)
            #expect(page.json["total"] == 3)
            #expect(try await asMember.get("/api/v1/notifications?limit=0").status == .badRequest)
            #expect(try await asMember.get("/api/v1/notifications?offset=-1").status == .badRequest)
            #expect(try await asMember.get("/api/v1/notifications?unread_only=perhaps").status == .badRequest)

            let newest = try #require(items.first?["id"]?.stringValue)
            #expect(try await asMember.post("/api/v1/notifications/mark-read", ["notification_id": .string(newest)]).json["updated"] == 1)
            #expect(try await asMember.post("/api/v1/notifications/mark-read", ["notification_id": .string(newest)]).json["updated"] == 0)
            #expect(try await asMember.get("/api/v1/notifications/unread-count").json == ["count": 2])
            let unread = try await asMember.get("/api/v1/notifications?unread_only=true")
            #expect(unread.json["total"] == 2)

            // Another user's notification, or one of another workspace, is not the caller's.
            let foreign = try await asMember.post("/api/v1/notifications/mark-read", ["notification_id": .string(ownersID)])
            #expect(foreign.status == .notFound)
            #expect(foreign.errorCode == "notification_not_found")
            let elsewhere = asMember.workspaceHeader(otherWorkspace.id)
            #expect(try await elsewhere.get("/api/v1/notifications").json["total"] == 1)
            #expect(try await elsewhere.post("/api/v1/notifications/mark-read", ["notification_id": .string(newest)]).status == .notFound)

            // Without an id (or a body): everything unread here, nothing elsewhere.
            #expect(try await asMember.post("/api/v1/notifications/mark-read").json["updated"] == 2)
            #expect(try await asMember.get("/api/v1/notifications/unread-count").json["count"] == 0)
            #expect(try await elsewhere.get("/api/v1/notifications/unread-count").json["count"] == 1)
            #expect(try await crew.client(api, "owner").get("/api/v1/notifications/unread-count").json["count"] == 1)

            #expect(try await api.get("/api/v1/notifications").status == .unauthorized)
            let outsider = api.with(token: try await h.token(for: try await h.user())).workspaceHeader(crew.workspace.id)
            #expect(try await outsider.get("/api/v1/notifications").status == .forbidden)
        }
    }

    @Test func internalInboxRoutesAreScopedByUserAndCompany() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let sent = try await Self.notify(api, crew.workspace, [crew.member, crew.viewer])
            let memberNotice = try #require(sent.json["delivered"]?[0]?["notification_id"]?.stringValue)
            let machine = api.internalKey()
            let base = "/internal/users/\(crew.member.id)/notifications"
            let ws = "company_id=\(crew.workspace.id)"
            #expect(try await api.get("\(base)?\(ws)").status == .unauthorized)
            let list = try await machine.get("\(base)?\(ws)&limit=10")
            #expect(list.status == .ok)
            #expect(list.json["total"] == 1)
            #expect(try await machine.get(base).status == .badRequest)
            #expect(try await machine.get("\(base)/unread-count?\(ws)").json["count"] == 1)
            #expect(try await machine.get("/internal/users/not-a-user/notifications?\(ws)").status == .notFound)

            let viewerPath = "/internal/users/\(crew.viewer.id)/notifications"
            #expect(try await machine.post("\(viewerPath)/\(memberNotice)/read?\(ws)").status == .notFound)
            #expect(try await machine.delete("\(viewerPath)/\(memberNotice)?\(ws)").status == .notFound)
            #expect(try await machine.post("\(base)/\(memberNotice)/read?company_id=\(UUID())").status == .notFound)

            let read = try await machine.post("\(base)/\(memberNotice)/read?\(ws)")
            #expect(read.status == .ok)
            #expect(read.json["is_read"] == true)
            #expect(try await machine.post("\(viewerPath)/read-all?\(ws)").json["updated"] == 1)
            #expect(try await machine.delete("\(base)/\(memberNotice)?\(ws)").status == .noContent)
            #expect(try await machine.delete("\(base)/\(memberNotice)?\(ws)").status == .notFound)

            let settings = try await machine.get("/internal/users/\(crew.member.id)/notification-settings?\(ws)")
            #expect(settings.json["email_delivery_mode"] == "instant")
            #expect(settings.json["digest_frequency_minutes"] == "60")
            #expect(settings.json["preferences"]?.arrayValue?.count == 15)
        }
    }

    /// "Notifications are produced by the platform itself …: invitations, role and permission changes, removal."
    @Test func invitationsRoleChangesAndRemovalNotifyThePersonConcerned() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        let invitee = try await h.user()
        try await h.run { api async throws in
            let asOwner = crew.client(api, "owner")
            let invited = try await asOwner.post("/api/v1/workspaces/\(crew.workspace.id)/invite", ["email": .string(invitee.email), "role": "viewer"])
            #expect(invited.status == .created)
            #expect(try await h.count("""
                SELECT count(*) FROM notifications WHERE user_id = '\(invitee.id)' AND workspace_id = '\(crew.workspace.id)'
                  AND type = 'member.invited' AND data ->> 'role' = 'viewer'
                """) == 1)
            // The invitation e-mail is the e-mail: the notification is in-app only by default.
            #expect(try await h.emails(to: invitee.email).map { $0["kind"] } == ["invitation"])
            // Accepting it tells the inviter.
            let token = try await WorkspaceFixtures.invitationToken(h, to: invitee.email)
            #expect(try await api.post("/api/v1/workspaces/invitations/accept", ["token": .string(token)]).status == .ok)
            let ownersInbox = try await asOwner.get("/api/v1/notifications")
            #expect(ownersInbox.json["items"]?[0]?["type"] == "member.joined")
            #expect(ownersInbox.json["items"]?[0]?["data"]?["email"]?.stringValue == invitee.email)

            let memberID = try await Self.membershipID(h, crew.member, crew.workspace)
            let changed = try await asOwner.put("/api/v1/members/\(memberID)", ["role": "admin"])
            #expect(changed.status == .ok)
            let inbox = try await crew.client(api, "member").get("/api/v1/notifications")
            #expect(inbox.json["items"]?[0]?["type"] == "member.role_changed")
            #expect(inbox.json["items"]?[0]?["data"] == ["workspace_id": .string(crew.workspace.id.uuidString.lowercased()),
                                                          "old_role": "member", "new_role": "admin"])
            #expect(try await h.lastEmail(to: crew.member.email)["kind"] == "notification")

            let viewerID = try await Self.membershipID(h, crew.viewer, crew.workspace)
            #expect(try await asOwner.delete("/api/v1/members/\(viewerID)").status == .noContent)
            #expect(try await h.count("SELECT count(*) FROM notifications WHERE user_id = '\(crew.viewer.id)' AND type = 'member.removed'") == 1)
        }
    }

    static func membershipID(_ h: Harness, _ user: User, _ workspace: Workspace) async throws -> UUID {
        try #require(try await h.core.database.query("""
            SELECT id FROM memberships WHERE user_id = \(user.id) AND workspace_id = \(workspace.id)
            """).first { try $0.decode(UUID.self) })
    }
}
