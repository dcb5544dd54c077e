import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import Testing

/// Issue 11: "Preferences (per event type, channel in-app / e-mail, defaults, reset, v1 and v2 shapes) decide what is
/// delivered." Spec: "Get default/recommended notification preferences … organized by category", "Reset notification
/// preferences … deletes all current preferences and creates new ones based on the default/recommended settings",
/// "Bulk update", "Update notification preference for a specific event type: inapp_enabled, email_enabled,
/// whatsapp_enabled, muted", "email_delivery_mode: instant or digest; digest_frequency_minutes: 30 or 60".
@Suite("Platform Core: notification preferences")
struct NotificationsPreferencesTests {
    @Test func defaultsAreOrganizedByCategory() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let defaults = try await crew.client(api, "viewer").get("/api/v1/notifications/defaults")
            #expect(defaults.status == .ok)
            #expect(defaults.json["Workspace & Access"]?["member.role_changed"]?["email_enabled"] == true)
            #expect(defaults.json["Workspace & Access"]?["member.invited"]?["email_enabled"] == false)
            #expect(defaults.json["Bookings & Finance"]?["booking.confirmed"]?["inapp_enabled"] == true)
            #expect(defaults.json["Assigned Actions"]?["task.assigned"]?["whatsapp_enabled"] == false)
            #expect(try await api.get("/api/v1/notifications/defaults").status == .unauthorized)
        }
    }

    @Test func storedPreferencesAreTheCallersOwn() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asMember = crew.client(api, "member")
            let empty = try await asMember.get("/api/v1/notifications/me")
            #expect(empty.json == [])
            #expect(empty.totalCount == 0)

            let created = try await asMember.post("/api/v1/notifications/me", ["event_type": "booking.confirmed", "channel": "email", "enabled": false])
            #expect(created.status == .created)
            #expect(created.json["enabled"] == false)
            #expect(created.json["user_id"]?.uuid == crew.member.id)
            let id = try #require(created.json["id"]?.stringValue)
            let duplicate = try await asMember.post("/api/v1/notifications/me", ["event_type": "booking.confirmed", "channel": "email"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "preference_exists")
            let invalid = try await asMember.post("/api/v1/notifications/me", ["event_type": "booking.exploded", "channel": "pigeon"])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["event_type", "channel"])

            let listed = try await asMember.get("/api/v1/notifications/me")
            #expect(listed.json.arrayValue?.count == 1)
            #expect(listed.totalCount == 1)
            #expect(try await asMember.get("/api/v1/notifications/me?limit=0").status == .badRequest)

            let updated = try await asMember.put("/api/v1/notifications/me/\(id)", ["enabled": true])
            #expect(updated.status == .ok)
            #expect(updated.json["enabled"] == true)
            #expect(try await asMember.put("/api/v1/notifications/me/\(id)", [:]).status == .unprocessableContent)

            // Another member cannot see, change or delete it.
            let asViewer = crew.client(api, "viewer")
            #expect(try await asViewer.get("/api/v1/notifications/me").json == [])
            #expect(try await asViewer.put("/api/v1/notifications/me/\(id)", ["enabled": false]).status == .notFound)
            #expect(try await asViewer.delete("/api/v1/notifications/me/\(id)").errorCode == "preference_not_found")
            #expect(try await asMember.put("/api/v1/notifications/me/not-an-id", ["enabled": false]).status == .notFound)

            #expect(try await asMember.delete("/api/v1/notifications/me/\(id)").status == .noContent)
            #expect(try await asMember.delete("/api/v1/notifications/me/\(id)").status == .notFound)
        }
    }

    @Test func bulkAndResetWriteWholeSets() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asMember = crew.client(api, "member")
            let bulk = try await asMember.put("/api/v1/notifications/me/bulk", ["preferences": [
                ["event_type": "task.assigned", "channel": "email", "enabled": false],
                ["event_type": "task.assigned", "channel": "in_app", "enabled": true],
            ]])
            #expect(bulk.status == .ok)
            #expect(bulk.json.arrayValue?.compactMap { $0["channel"]?.stringValue } == ["email", "in_app"])
            let twice = try await asMember.put("/api/v1/notifications/me/bulk", ["preferences": [
                ["event_type": "task.assigned", "channel": "email", "enabled": true],
                ["event_type": "task.assigned", "channel": "email", "enabled": false],
            ]])
            #expect(twice.status == .unprocessableContent)
            #expect(twice.errorDetailCodes == ["duplicate"])
            #expect(try await asMember.put("/api/v1/notifications/me/bulk", ["preferences": []]).status == .unprocessableContent)
            #expect(try await asMember.put("/api/v1/notifications/me/bulk", ["preferences": [["channel": "email"]]]).errorFields
                    .sorted() == ["preferences[0].enabled", "preferences[0].event_type"])

            _ = try await asMember.put("/api/v1/notifications/preferences/v2/task.assigned", ["muted": true])
            let reset = try await asMember.post("/api/v1/notifications/me/reset")
            #expect(reset.status == .ok)
            #expect(reset.json.arrayValue?.count == 15 * 3)
            let v2 = try await asMember.get("/api/v1/notifications/preferences/v2")
            #expect(v2.json["task.assigned"]?["muted"] == false)
            #expect(v2.json["task.assigned"]?["email_enabled"] == true)
            #expect(try await h.count("SELECT count(*) FROM notification_preferences WHERE user_id = '\(crew.member.id)'") == 45)
            // Nobody else's preferences were touched.
            #expect(try await h.count("SELECT count(*) FROM notification_preferences WHERE user_id <> '\(crew.member.id)'") == 0)
        }
    }

    @Test func preferencesDecideWhatIsDelivered() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asMember = crew.client(api, "member")
            let v2 = try await asMember.get("/api/v1/notifications/preferences/v2")
            #expect(v2.json.objectValue?.count == 15)
            #expect(v2.json["booking.confirmed"] == ["event_type": "booking.confirmed", "category": "Bookings & Finance",
                                                     "label": "Booking confirmed", "inapp_enabled": true, "email_enabled": true,
                                                     "whatsapp_enabled": false, "muted": false])
            #expect(try await asMember.put("/api/v1/notifications/preferences/v2/booking.exploded", ["muted": true]).status == .notFound)
            #expect(try await asMember.put("/api/v1/notifications/preferences/v2/booking.confirmed", [:]).status == .unprocessableContent)

            // In-app off, e-mail on: e-mailed, not stored.
            let emailOnly = try await asMember.put("/api/v1/notifications/preferences/v2/booking.confirmed", ["inapp_enabled": false])
            #expect(emailOnly.json["inapp_enabled"] == false)
            #expect(emailOnly.json["email_enabled"] == true)
            var sent = try await NotificationsTests.notify(api, crew.workspace, [crew.member])
            #expect(sent.json["delivered"]?[0]?["notification_id"] == .null)
            #expect(sent.json["delivered"]?[0]?["emailed"] == true)

            // Both off: skipped.
            _ = try await asMember.put("/api/v1/notifications/preferences/v2/booking.confirmed", ["email_enabled": false])
            sent = try await NotificationsTests.notify(api, crew.workspace, [crew.member])
            #expect(sent.json["skipped"]?[0]?["reason"] == "disabled")

            // Muted wins over the channels.
            _ = try await asMember.put("/api/v1/notifications/preferences/v2/booking.confirmed", ["inapp_enabled": true, "email_enabled": true, "muted": true])
            sent = try await NotificationsTests.notify(api, crew.workspace, [crew.member])
            #expect(sent.json["skipped"]?[0]?["reason"] == "muted")

            // Digest mode: stored, not e-mailed at once.
            _ = try await asMember.put("/api/v1/notifications/preferences/v2/booking.confirmed", ["muted": false])
            let email = try await asMember.get("/api/v1/notifications/email-preference")
            #expect(email.json == ["email_delivery_mode": "instant", "digest_frequency_minutes": "60", "updated_at": .null])
            let digest = try await asMember.put("/api/v1/notifications/email-preference", ["email_delivery_mode": "digest", "digest_frequency_minutes": "30"])
            #expect(digest.status == .ok)
            #expect(digest.json["digest_frequency_minutes"] == "30")
            #expect(try await asMember.put("/api/v1/notifications/email-preference", ["email_delivery_mode": "digest"]).json["digest_frequency_minutes"] == "30")
            sent = try await NotificationsTests.notify(api, crew.workspace, [crew.member])
            #expect(sent.json["delivered"]?[0]?["emailed"] == false)
            #expect(sent.json["delivered"]?[0]?["notification_id"]?.uuid != nil)
            #expect(try await h.emails(to: crew.member.email).count == 1)

            let bad = try await asMember.put("/api/v1/notifications/email-preference", ["email_delivery_mode": "hourly", "digest_frequency_minutes": "45"])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["email_delivery_mode", "digest_frequency_minutes"])
            // The viewer's own settings are untouched.
            #expect(try await crew.client(api, "viewer").get("/api/v1/notifications/email-preference").json["email_delivery_mode"] == "instant")
        }
    }
}
