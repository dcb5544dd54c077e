import Base
import Foundation
import KisumKernel
import KisumTesting
import PlatformCoreAPI
import Testing

/// Issue 14: Base's Notifications are a view of "the user's ONE notification inbox in Platform Core … (no second store)";
/// issue 11: other services report "through an internal route (`POST /internal/notifications`, internal key)".
///
/// Platform Core and Base as live servers: a producer notifies the owner through Platform Core's internal route, Base
/// lists and marks it read with the owner's token, and Platform Core's own routes see the same state.
@Suite("System: notifications across Platform Core and Base", .timeLimit(.minutes(10)))
struct NotificationsAcrossServicesTests {
    @Test func baseShowsAndChangesPlatformCoresInbox() async throws {
        try await LiveCore.withSignedUpOwner(email: "owner@notify.example", company: "Melkweg") { live in
            let (workspace, token) = (live.workspace, live.token)
            let core = Caller(baseURL: live.url).with(token: token, org: workspace)
            let me = try await core.call("GET", "/api/v1/auth/me")
            let owner = try #require(me.json["id"]?.uuid ?? me.json["user"]?["id"]?.uuid, "\(me.json)")

            let producer = PlatformNotificationsClient(baseURL: live.url, apiKey: TestDefaults.internalKeys[1], timeout: .seconds(15))
            let delivery = try await producer.notify(NotificationRequest(
                companyId: workspace, userIds: [owner], type: "booking.confirmed", title: "Booking confirmed: Paradiso",
                data: ["booking_id": "b-42"], actionUrl: "/venue/bookings/b-42", source: "venue", dedupeKey: "booking:b-42"))
            let id = try #require(delivery.delivered.first?.notificationId)

            var settings = BaseSettings()
            settings.notifications = PlatformNotificationsClient(baseURL: live.url, apiKey: TestDefaults.internalKeys[1], timeout: .seconds(15))
            let base = try await ServiceTestHarness(BaseService.self, settings: settings, accessResolver: live.resolver, verifier: live.verifier)
            try await base.live { port in
                let api = Caller(baseURL: "http://127.0.0.1:\(port)").with(token: token, org: workspace)
                let list = try await api.call("GET", "/api/notifications")
                #expect(list.status == 200, "\(list.json)")
                #expect(list.json["total"] == 1)
                #expect(list.json["items"]?[0]?["id"]?.uuid == id)
                #expect(list.json["items"]?[0]?["data"] == ["booking_id": "b-42"])
                #expect(try await api.call("GET", "/api/notifications/unread-count").json["count"] == 1)

                let read = try await api.call("PATCH", "/api/notifications/\(id)/read", [:])
                #expect(read.json["isRead"] == true, "\(read.json)")
                #expect(try await core.call("GET", "/api/v1/notifications/unread-count").json["count"] == 0)
                #expect(try await api.call("PATCH", "/api/notifications/\(UUID())/read", [:]).status == 404)

                let settingsView = try await api.call("GET", "/api/notifications/settings")
                #expect(settingsView.json["emailDeliveryMode"] == "instant")
                #expect(try await api.call("DELETE", "/api/notifications/\(id)").status == 204)
                #expect(try await core.call("GET", "/api/v1/notifications").json["total"] == 0)
            }
        }
    }
}
