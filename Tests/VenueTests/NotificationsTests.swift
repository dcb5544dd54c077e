import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumServiceClient
import KisumTesting
import PlatformCoreAPI
import Testing
@testable import Venue

/// Venue's notifications reach Platform Core's inbox through the outbox: a confirmed booking and a deposit Finance
/// refused each tell their creator, once, whether or not Platform Core answers at the time.
@Suite("Notifications")
struct NotificationsTests {
    @Test func confirmingABookingNotifiesItsCreatorOnce() async throws {
        let platform = FakePlatformCore()
        try await withVenueApp(settings: platform.settings) { clients in
            let booking = try await clients.a.makeBooking()
            try await clients.sendNotifications(platform)
            #expect(platform.seen.isEmpty)   // creating a booking tells nobody

            let confirmed = try await clients.a.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"])
            #expect(confirmed.status == .ok)
            try await clients.sendNotifications(platform)
            let seen = try #require(platform.seen.first)
            #expect(platform.seen.count == 1)
            #expect(seen.request.type == "booking.confirmed")
            #expect(seen.request.companyId == clients.env.companyA)
            #expect(seen.request.userIds == [clients.env.userA])
            #expect(seen.request.source == "venue")
            #expect(seen.request.title == "Booking confirmed: Album release")
            #expect(seen.request.data?["booking_id"] == .uuid(booking))
            #expect(seen.request.dedupeKey == "booking.confirmed:\(booking.uuidString.lowercased())")
            #expect(seen.idempotencyKey == seen.request.dedupeKey)
            #expect(seen.key == FakePlatformCore.key)

            // An edit of the confirmed booking is no second confirmation.
            _ = try await clients.a.patch("/api/v1/bookings/\(booking)", ["notes": "Doors at 19:00", "status": "confirmed"])
            try await clients.retryNow()
            try await clients.sendNotifications(platform)
            #expect(platform.seen.count == 1)
        }
    }

    @Test func platformCoreDownNeitherBlocksTheBookingNorLosesTheNotification() async throws {
        let platform = FakePlatformCore()
        platform.up = false
        try await withVenueApp(settings: platform.settings) { clients in
            let booking = try await clients.a.makeBooking()
            let confirmed = try await clients.a.patch("/api/v1/bookings/\(booking)", ["status": "confirmed"])
            #expect(confirmed.status == .ok)
            #expect(confirmed.json["status"] == "confirmed")
            try await clients.sendNotifications(platform)
            #expect(platform.seen.isEmpty)

            platform.up = true
            try await clients.retryNow()
            try await clients.sendNotifications(platform)
            #expect(platform.seen.map(\.request.type) == ["booking.confirmed"])
            try await clients.retryNow()
            try await clients.sendNotifications(platform)
            #expect(platform.seen.count == 1)
        }
    }

    @Test func aDepositFinanceRefusesNotifiesItsCreatorOnceEvenAfterAnOutage() async throws {
        let platform = FakePlatformCore()
        try await withVenueApp(settings: platform.settings) { clients in
            let id = try requireUUID(try await clients.a.post("/api/v1/deposits", DepositsTests.body()).json["id"])
            platform.up = false
            try await clients.syncDeposits(ledger: RefusingFinance())
            #expect(try await clients.a.get("/api/v1/deposits/\(id)").json["financeSyncStatus"] == "failed")
            try await clients.sendNotifications(platform)
            #expect(platform.seen.isEmpty)

            platform.up = true
            try await clients.retryNow()
            try await clients.sendNotifications(platform)
            let seen = try #require(platform.seen.first)
            #expect(platform.seen.count == 1)
            #expect(seen.request.type == "deposit.sync_failed")
            #expect(seen.request.companyId == clients.env.companyA)
            #expect(seen.request.userIds == [clients.env.userA])
            #expect(seen.request.data?["deposit_id"] == .uuid(id))
            #expect(seen.request.dedupeKey?.hasPrefix("deposit.sync_failed:\(id.uuidString.lowercased()):") == true)
            #expect(seen.idempotencyKey == seen.request.dedupeKey)
        }
    }

    @Test func financeDownIsNoFailureAndTellsNobody() async throws {
        // Finance down is no failure: nobody is told while the relay keeps trying.
        let platform = FakePlatformCore()
        try await withVenueApp(settings: platform.settings) { clients in
            _ = try await clients.a.post("/api/v1/deposits", DepositsTests.body())
            let down = HTTPFinanceLedger(settings: CalleeSettings(baseURL: "http://127.0.0.1:1", apiKey: TestDefaults.internalKeys[0]))
            try await clients.syncDeposits(ledger: down)
            try await clients.sendNotifications(platform)
            #expect(platform.seen.isEmpty)
        }
    }
}
