import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
@testable import PlatformCore
import PostgresNIO
import Testing

/// Issue 11: "Preferences (per event type, channel in-app / e-mail, …) decide what is delivered; e-mail goes through
/// the existing outbox." Digest mode: the e-mails wait and go out together, once per period.
@Suite("Notifications: digest e-mails")
struct NotificationDigestTests {
    @Test func digestModeGathersTheEmailsIntoOneEachPeriod() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let asMember = crew.client(api, "member")
            #expect(try await asMember.put("/api/v1/notifications/email-preference",
                                           ["email_delivery_mode": "digest", "digest_frequency_minutes": "30"]).status == .ok)
            let before = try await h.emails(to: crew.member.email).count
            for booking in ["b-1", "b-2"] {
                let sent = try await NotificationsTests.notify(api, crew.workspace, [crew.member, crew.viewer], title: "Booking \(booking) confirmed",
                                                               dedupe: "booking:\(booking)")
                #expect(sent.status == .ok)
            }
            // In the inbox at once; no instant e-mail for the member, while the viewer (instant) got both.
            #expect(try await asMember.get("/api/v1/notifications").json["total"] == 2)
            #expect(try await h.emails(to: crew.member.email).count == before)
            #expect(try await h.emails(to: crew.viewer.email).count == 2)

            let digests = NotificationDigests(database: h.core.database, emails: h.core.emails)
            #expect(try await digests.pass() == 0, "the period has not passed yet")
            // Thirty minutes later.
            try await h.core.database.query("UPDATE notification_digest_items SET created_at = now() - interval '31 minutes'")
            #expect(try await digests.pass() == 1)
            let digest = try await h.lastEmail(to: crew.member.email)
            #expect(digest["kind"] == "notification_digest")
            #expect(digest["subject"]?.stringValue?.hasPrefix("2 notifications in ") == true)
            let text = digest["text"]?.stringValue ?? ""
            #expect(text.contains("Booking b-1 confirmed") && text.contains("Booking b-2 confirmed"))
            #expect(try await digests.pass() == 0, "sent once")
            #expect(try await h.count("SELECT count(*)::int FROM notification_digest_items") == 0)

            // The next item waits a whole period after that digest, not after its own arrival.
            _ = try await NotificationsTests.notify(api, crew.workspace, [crew.member], title: "Booking b-3 confirmed", dedupe: "booking:b-3")
            try await h.core.database.query("UPDATE notification_digest_items SET created_at = now() - interval '2 hours'")
            #expect(try await digests.pass() == 0)
            try await h.core.database.query("UPDATE notification_email_settings SET last_digest_at = now() - interval '31 minutes'")
            #expect(try await digests.pass() == 1)

            // Back to instant: nothing more gathers, e-mails go at once again.
            #expect(try await asMember.put("/api/v1/notifications/email-preference", ["email_delivery_mode": "instant"]).status == .ok)
            _ = try await NotificationsTests.notify(api, crew.workspace, [crew.member], title: "Booking b-4 confirmed", dedupe: "booking:b-4")
            #expect(try await h.count("SELECT count(*)::int FROM notification_digest_items") == 0)
            #expect(try await h.lastEmail(to: crew.member.email)["subject"] == "Booking b-4 confirmed")
        }
    }
}
