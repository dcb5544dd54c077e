import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import PostgresNIO
import KisumTesting
import Testing
@testable import Venue

/// Issue 9, Venues: "Venues in Base read Venue-owned inventory through Venue's `/internal/venues` routes (Venue stays
/// the truth …)". The reads Base's Venues group needs beyond the list: a batch by ids, venues near a point, the type
/// catalog and a venue's availability.
@Suite("Internal Base-facing inventory reads")
struct InternalInventoryTests {
    @Test func aBatchAnswersTheLiveVenuesAmongTheIds() async throws {
        try await withVenueApp { clients in
            let one = try requireUUID(try await clients.a.createVenue("Paradiso")["id"])
            let two = try requireUUID(try await clients.b.createVenue("Melkweg")["id"])
            let gone = try requireUUID(try await clients.b.createVenue("Gone")["id"])
            #expect(try await clients.b.delete("/api/v1/venues/\(gone)").status == .noContent)
            let batch = try await clients.internal.get("/internal/venues/batch?ids=\(one),\(two.uuidString.uppercased()),\(gone),\(UUID())")
            #expect(batch.status == .ok)
            #expect(Set(batch.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []) == ["Paradiso", "Melkweg"],
                    "every company's live venues; deleted and unknown ids left out")
            let tooMany = (0...100).map { _ in UUID().uuidString }.joined(separator: ",")
            #expect(try await clients.internal.get("/internal/venues/batch?ids=\(tooMany)").errorFields == ["ids"])
            #expect(try await clients.internal.get("/internal/venues/batch?ids=\(one),nope").errorFields == ["ids"])
            #expect(try await clients.internal.get("/internal/venues/batch").errorFields == ["ids"])
            #expect(try await clients.a.get("/internal/venues/batch?ids=\(one)").status == .unauthorized)
        }
    }

    @Test func nearbyIsGreatCircleDistanceNearestFirst() async throws {
        try await withVenueApp { clients in
            try await clients.a.createVenue("Paradiso", extra: ["latitude": 52.3622, "longitude": 4.8838])
            try await clients.b.createVenue("Melkweg", extra: ["latitude": 52.3648, "longitude": 4.8817])
            try await clients.a.createVenue("Ahoy", extra: ["city": "Rotterdam", "latitude": 51.8838, "longitude": 4.4888])
            try await clients.a.createVenue("Nowhere")
            // From the Dam (52.3731, 4.8926).
            let near = try await clients.internal.get("/internal/venues/nearby?lat=52.3731&lng=4.8926&radiusKm=5")
            #expect(near.status == .ok)
            #expect(near.json["total"] == 2)
            #expect(near.json["items"]?.arrayValue?.map { $0["venue"]?["name"] } == ["Melkweg", "Paradiso"])
            let km = try #require(near.json["items"]?[1]?["distanceKm"]?.doubleValue)
            // Haversine by hand: Δφ = -0.0109°, Δλ = -0.0088°, cos φ ≈ 0.6105 → √((1.2120)² + (0.5974)²) km ≈ 1.351 km.
            #expect(abs(km - 1.351) < 0.01, "\(km)")
            #expect(try await clients.internal.get("/internal/venues/nearby?lat=52.3731&lng=4.8926&radiusKm=100").json["total"] == 3)
            #expect(try await clients.internal.get("/internal/venues/nearby?lat=52.3731&lng=4.8926&radiusKm=100&q=ahoy").json["total"] == 1)
            let bad = try await clients.internal.get("/internal/venues/nearby?lat=95&radiusKm=501")
            #expect(bad.status == .badRequest)
            #expect(Set(bad.errorFields) == ["lat", "lng", "radiusKm"])
            #expect(try await clients.internal.get("/internal/venues/nearby?lat=&lng=1").errorFields == ["lat"])
        }
    }

    @Test func typesAreTheCatalog() async throws {
        try await withVenueApp { clients in
            try await clients.env.database.query("""
                INSERT INTO venue_type (name, slug) VALUES ('Theatre', 'theatre'), ('Club', 'club')
                """)
            let types = try await clients.internal.get("/internal/venues/types")
            #expect(types.json["items"]?.arrayValue?.map { $0["name"] } == ["Club", "Theatre"])
            #expect(try await clients.internal.get("/internal/venues/types?q=thea").json["total"] == 1)
        }
    }

    @Test func availabilityIsTheVenuesOccupancyOverTheDays() async throws {
        try await withVenueApp { clients in
            let (venue, hall) = try await clients.a.makeSpace("Main hall")
            let upstairs = try requireUUID(try await clients.a.createSpace(venue: venue, name: "Upstairs")["id"])
            let (_, elsewhere) = try await clients.a.makeSpace("Other venue's hall")
            #expect(try await clients.a.book([hall], 20, 23).status == .created)
            #expect(try await clients.a.block(upstairs, "maintenance", 30, 34).status == .created)
            #expect(try await clients.a.book([elsewhere], 20, 23).status == .created)
            let day0 = CalendarDate.today(slotBase)
            let day1 = CalendarDate.today(slotBase.addingTimeInterval(24 * 3600))
            let day2 = CalendarDate.today(slotBase.addingTimeInterval(48 * 3600))
            let both = try await clients.internal.get("/internal/venues/\(venue)/availability?from=\(day0)&to=\(day1)")
            #expect(both.status == .ok)
            #expect(both.json["spaces"]?.arrayValue?.count == 2)
            let busy = both.json["busy"]?.arrayValue ?? []
            #expect(busy.map { $0["source"] } == ["booking", "block"])
            #expect(busy.map { $0["kind"] } == ["tentative", "maintenance"])
            #expect(busy.first?["spaceId"]?.uuid == hall)
            #expect(try await clients.internal.get("/internal/venues/\(venue)/availability?from=\(day1)&to=\(day1)").json["busy"]?.arrayValue?.count == 1)
            #expect(try await clients.internal.get("/internal/venues/\(venue)/availability?from=\(day2)&to=\(day2)").json["busy"] == [])

            #expect(try await clients.internal.get("/internal/venues/\(venue)/availability?from=\(day0)").errorFields == ["to"])
            #expect(try await clients.internal.get("/internal/venues/\(venue)/availability?from=\(day1)&to=\(day0)").status == .unprocessableContent)
            #expect(try await clients.internal.get("/internal/venues/\(venue)/availability?from=2027-01-01&to=2028-01-02").errorFields == ["to"])
            #expect(try await clients.internal.get("/internal/venues/\(UUID())/availability?from=\(day0)&to=\(day1)").status == .notFound)
        }
    }
}
