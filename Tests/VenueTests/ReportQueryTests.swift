import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

/// The query contract every report shares, checked through the utilization report.
@Suite("Reports: query contract")
struct ReportQueryTests {
    @Test func theQueryIsValidatedMalformedValuesAre400AndRulesBetweenThem422() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            for (query, field) in [("fromAt=yesterday", "fromAt"), ("toAt=2027-13-01T00:00:00Z", "toAt"), ("bucket=year", "bucket"),
                                   ("venueId=nope", "venueId"), ("venueId=", "venueId"), ("spaceId=", "spaceId"), ("timezone=", "timezone"),
                                   ("timezone=Europe//Amsterdam", "timezone"), ("timezone=%20UTC", "timezone")] {
                let response = try await api.get("/api/v1/reports/utilization?\(query)")
                #expect(response.status == .badRequest && response.errorCode == "invalid_query" && response.errorFields == [field], "\(query)")
            }
            let day = 86_400.0
            let from = "2027-01-01T00:00:00Z"
            let base = try #require(RFC3339.date(from: from))
            func to(_ days: Double) -> String { RFC3339.string(from: base.addingTimeInterval(days * day)) }
            for (query, code) in [("fromAt=\(from)&toAt=\(from)", "not_after_from"), ("fromAt=\(to(1))&toAt=\(from)", "not_after_from"),
                                  ("fromAt=\(from)&toAt=\(to(401))&bucket=day", "window_too_long"),
                                  ("fromAt=\(from)&toAt=\(to(1831))&bucket=week", "window_too_long"),
                                  ("fromAt=\(from)&toAt=\(to(1831))", "window_too_long"),
                                  ("timezone=Mars/Olympus", "unknown_timezone"), ("timezone=UTC%2B5", "unknown_timezone")] {
                let response = try await api.get("/api/v1/reports/utilization?\(query)")
                #expect(response.status == .unprocessableContent && response.json["error"]?["details"]?[0]?["code"]?.stringValue == code,
                        "\(query): \(response.text)")
            }
            for query in ["fromAt=\(from)&toAt=\(to(400))&bucket=day", "fromAt=\(from)&toAt=\(to(1830))&bucket=week",
                          "fromAt=\(from)&toAt=\(to(1830))&bucket=month", "timezone=America/Argentina/Buenos_Aires", "timezone=Etc/UTC"] {
                #expect(try await api.get("/api/v1/reports/utilization?\(query)").status == .ok, "\(query)")
            }
        }
    }

    @Test func defaultsAreTheLastThirtyDaysInMonthsInUtc() async throws {
        try await withVenueApp { clients in
            let before = Date()
            let report = try await clients.a.utilization("")
            #expect(report.bucket == "month" && report.timezone == "UTC")
            #expect(report.toAt.timeIntervalSince(report.fromAt) == 30 * 86_400)
            #expect(report.toAt >= before.addingTimeInterval(-1) && report.toAt <= Date().addingTimeInterval(1))
            // One date alone sets the other 30 days away.
            let fromOnly = try await clients.a.utilization("fromAt=2027-02-01T00:00:00Z")
            #expect(RFC3339.string(from: fromOnly.toAt).hasPrefix("2027-03-03T00:00:00"))
        }
    }

    /// Without a `timezone` parameter the company's own zone (from its workspace settings, carried by the
    /// caller's access) sets the bucket edges; a zone this service does not know falls back to UTC.
    @Test func theCompanysTimezoneIsTheDefault() async throws {
        try await withVenueApp { clients in
            let member = UUID()
            clients.env.harness.access.grant(user: member, company: clients.env.companyA, permissions: ["venue.reports.read"],
                                             modules: ["venue"], timezone: "Europe/Amsterdam")
            let amsterdam = APITestClient(clients.raw, token: clients.env.keys.token(userID: member), org: clients.env.companyA)
            let own = try await amsterdam.utilization("bucket=day")
            let named = try await amsterdam.utilization("bucket=day&timezone=UTC")
            let none = try await clients.a.utilization("bucket=day")
            #expect(own.timezone == "Europe/Amsterdam")
            #expect(named.timezone == "UTC")
            #expect(none.timezone == "UTC")
            let odd = UUID()
            clients.env.harness.access.grant(user: odd, company: clients.env.companyA, permissions: ["venue.reports.read"],
                                             modules: ["venue"], timezone: "Mars/Olympus")
            let mars = APITestClient(clients.raw, token: clients.env.keys.token(userID: odd), org: clients.env.companyA)
            let unknown = try await mars.utilization("bucket=day")
            #expect(unknown.timezone == "UTC")
        }
    }

    @Test func theReportNeedsTheReportsPermissionAndTheModule() async throws {
        try await withVenueApp { clients in
            let path = "/api/v1/reports/utilization"
            let bookingsOnly = try await clients.a(permissions: ["venue.bookings.read"]).get(path)
            #expect(bookingsOnly.status == .forbidden && bookingsOnly.errorCode == "permission_denied")
            #expect(try await clients.a(permissions: ["venue.reports.read"]).get(path).status == .ok)
            #expect(try await clients.a(permissions: ["venue.reports.read"], modules: []).get(path).status == .forbidden)
            #expect(try await clients.a.with(token: nil).get(path).status == .unauthorized)
        }
    }
}
