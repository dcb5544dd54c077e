import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "Rankings, Trend, Reviews: computed from stored data … period filters, and fixed-answer tests"; the trend is
/// events, tickets sold and gross per day, week or month (`seedInsights` in RankingsTests).
@Suite("Base trend")
struct TrendTests {
    @Test func monthlyBucketsAnswerTheSeededFigures() async throws {
        try await withInsights { t in
            _ = try await t.seedInsights()
            let trend = try await t.a.get("/api/trend?from=2026-01-01&to=2026-12-31&currency=EUR")
            #expect(trend.status == .ok)
            #expect(trend.json["interval"] == "month")
            #expect(trend.json["metrics"] == ["events", "ticketsSold", "grossMinor"])
            let buckets = trend.json["buckets"]?.arrayValue ?? []
            #expect(buckets.count == 12)
            #expect(buckets.map { $0["start"]?.stringValue }.prefix(3) == ["2026-01-01", "2026-02-01", "2026-03-01"])
            #expect(buckets[1]["end"] == "2026-02-28")
            #expect(buckets.map { $0["events"] } == [0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0])
            #expect(buckets.map { $0["ticketsSold"] } == [0, 0, 100, 80, 20, 0, 0, 0, 0, 0, 0, 0])
            #expect(buckets.map { $0["grossMinor"] } == [0, 0, 300_000, 300_000, 40_000, 0, 0, 0, 0, 0, 0, 0])
            #expect(trend.json["totals"] == ["events": 4, "ticketsSold": 200, "grossMinor": 640_000])
        }
    }

    @Test func weeksStartOnMondayClippedToThePeriodAndMetricsFilter() async throws {
        try await withInsights { t in
            _ = try await t.seedInsights()
            let weeks = try await t.a.get("/api/trend?from=2026-03-01&to=2026-03-10&interval=week&currency=EUR")
            let buckets = weeks.json["buckets"]?.arrayValue ?? []
            #expect(buckets.map { $0["start"]?.stringValue } == ["2026-03-01", "2026-03-02", "2026-03-09"])
            #expect(buckets.map { $0["end"]?.stringValue } == ["2026-03-01", "2026-03-08", "2026-03-10"])
            #expect(buckets.map { $0["ticketsSold"] } == [100, 0, 0])

            let days = try await t.a.get("/api/trend?from=2026-04-09&to=2026-04-11&interval=day&metrics=events&currency=GBP")
            #expect(days.status == .ok, "no GBP rate is needed when the gross is not asked for")
            #expect(days.json["buckets"]?.arrayValue?.map { $0["events"] } == [0, 1, 0])
            #expect(days.json["buckets"]?[1]?["grossMinor"] == .null)
            #expect(days.json["buckets"]?[1]?["ticketsSold"] == .null)
            #expect(try await t.a.get("/api/trend?from=2026-04-09&to=2026-04-11&currency=GBP").errorCode == "exchange_rate_missing")
            #expect(try await t.b.get("/api/trend?from=2026-01-01&to=2026-12-31").json["totals"]?["events"] == 0)
        }
    }

    @Test func refusesWhatItCannotAnswer() async throws {
        try await withInsights { t in
            let api = t.a
            let tooMany = try await api.get("/api/trend?from=2025-01-01&to=2026-12-31&interval=day")
            #expect(tooMany.status == .unprocessableContent)
            #expect(tooMany.errorFields == ["interval"])
            #expect(try await api.get("/api/trend?from=2025-01-01&to=2026-12-31&interval=week").status == .ok)
            #expect(try await api.get("/api/trend?metrics=events,revenue").status == .badRequest)
            #expect(try await api.get("/api/trend?interval=year").status == .badRequest)
            #expect(try await api.get("/api/trend?from=2026-02-01&to=2026-01-01").errorFields == ["to"])
            #expect(try await api.get("/api/trend").json["buckets"]?.arrayValue?.count == 12)
        }
    }
}
