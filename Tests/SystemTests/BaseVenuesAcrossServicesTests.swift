import Base
import Foundation
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PostgresNIO
import Testing
import Venue

/// Issue 9, Venues: "Venues in Base read Venue-owned inventory through Venue's `/internal/venues` routes (Venue stays
/// the truth; Base keeps only its own links and notes); Venue down → 503 on those reads."
///
/// Platform Core, Venue and Base as live servers wired the way `serve` wires them (Base's VENUE_URL and VENUE_API_KEY).
/// The venue and its space are created through Venue's public API; Base links it, lists it with Venue's data, searches,
/// finds it nearby, reads its availability (a Venue booking shows), sends an inquiry, sets an event's venue; Venue
/// stopped, Base's reads answer 503 while its own edits go on.
@Suite("System: Base's Venues over Venue's inventory", .timeLimit(.minutes(10)))
struct BaseVenuesAcrossServicesTests {
    @Test func baseLinksReadsAndInquiresVenuesInventoryAndAnswers503WhenVenueStops() async throws {
        try await LiveCore.withSignedUpOwner(email: "owner@venues.example", company: "Mojo") { live in
            let (verifier, resolver, workspace, token, storage) = (live.verifier, live.resolver, live.workspace, live.token, live.storage)
            let venueService = try await ServiceTestHarness(VenueService.self, settings: VenueSettings(storageDirectory: storage),
                                                            accessResolver: resolver, verifier: verifier)
            // Venue's address for the whole test: found by starting it once (creating the venue), reused when it runs again.
            let (venuePort, venueID, spaceID) = try await venueService.live { port in
                let api = Caller(baseURL: "http://127.0.0.1:\(port)").with(token: token, org: workspace)
                let venue = try await api.call("POST", "/api/v1/venues", [
                    "name": "Paradiso", "city": "Amsterdam", "capacity": 1500, "latitude": 52.3622, "longitude": 4.8838,
                ])
                #expect(venue.status == 201, "\(venue.json)")
                let id = try #require(venue.json["id"]?.stringValue)
                let space = try await api.call("POST", "/api/v1/spaces", ["venueId": .string(id), "name": "Main hall", "kind": "hall", "capacity": 1500])
                let spaceID = try #require(space.json["id"]?.stringValue)
                let booked = try await api.call("POST", "/api/v1/bookings", [
                    "spaceIds": [.string(spaceID)], "marketCompanyId": .uuid(UUID()),
                    "startAt": "2031-05-01T20:00:00Z", "endAt": "2031-05-01T23:00:00Z",
                ])
                #expect(booked.status == 201, "\(booked.json)")
                return (port, id, spaceID)
            }
            let base = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(venue: VenueInventorySettings(
                baseURL: "http://127.0.0.1:\(venuePort)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(10))),
                accessResolver: resolver, verifier: verifier)
            let event = UUID()
            try await base.database.query("""
                INSERT INTO events (id, company_id, name, status, event_date, currency, created_by)
                VALUES (\(event), \(workspace), 'Mojo night', 'hold', DATE '2031-05-02', 'EUR', \(UUID()))
                """)
            try await base.live { basePort in
                let api = Caller(baseURL: "http://127.0.0.1:\(basePort)").with(token: token, org: workspace)
                try await venueService.live(port: venuePort) { _ in
                    let linked = try await api.call("POST", "/api/venues", ["venueId": .string(venueID), "tags": ["club"], "rating": 5])
                    #expect(linked.status == 201, "\(linked.json)")
                    let list = try await api.call("GET", "/api/venues")
                    #expect(list.json["items"]?[0]?["venue"]?["capacity"] == 1500, "\(list.json)")
                    #expect(list.json["items"]?[0]?["link"]?["rating"] == 5)
                    let search = try await api.call("GET", "/api/venues/search?q=parad")
                    #expect(search.json["items"]?[0]?["linked"] == true, "\(search.json)")
                    let nearby = try await api.call("GET", "/api/venues/nearby?lat=52.3676&lng=4.9041&radiusKm=5")
                    let distance = try #require(nearby.json["items"]?[0]?["distanceKm"]?.doubleValue, "\(nearby.json)")
                    #expect(distance > 1 && distance < 2, "Paradiso is about 1.5 km from the Dam: \(distance)")
                    #expect(try await api.call("GET", "/api/venues/nearby?lat=51.92&lng=4.48&radiusKm=5").json["total"] == 0)
                    #expect(try await api.call("GET", "/api/venues/types").status == 200)

                    let availability = try await api.call("GET", "/api/venues/\(venueID)/availability?from=2031-05-01&to=2031-05-03")
                    #expect(availability.status == 200, "\(availability.json)")
                    let days = availability.json["days"]?.arrayValue ?? []
                    #expect(days.map { $0["available"] } == [false, true, true])
                    #expect(availability.json["busy"]?[0]?["spaceId"]?.stringValue == spaceID)

                    let inquiry = try await api.call("POST", "/api/venues/\(venueID)/inquiry", [
                        "startsOn": "2031-05-02", "spaceIds": [.string(spaceID)], "expectedAttendance": 900, "message": "Free on the 2nd?",
                    ])
                    #expect(inquiry.status == 201, "\(inquiry.json)")
                    #expect(inquiry.json["recipient"] == "venue")
                    #expect(try await api.call("POST", "/api/venues/\(venueID)/inquiry", [
                        "startsOn": "2031-05-02", "expectedAttendance": 9000, "message": "Bigger?",
                    ]).status == 422)

                    let set = try await api.call("PUT", "/api/events/\(event)/venue", ["venueId": .string(venueID)])
                    #expect(set.status == 200, "\(set.json)")
                    #expect(set.json["venueName"] == "Paradiso" && set.json["city"] == "Amsterdam")
                    #expect(try await api.call("GET", "/api/venues/\(venueID)/stats").json["byStatus"]?["hold"] == 1)
                    #expect(try await api.call("GET", "/api/venues/\(venueID)/events").json["total"] == 1)
                }

                // Venue is stopped: its data cannot be read (503), the company's own notes still save.
                let down = try await api.call("GET", "/api/venues")
                #expect(down.status == 503)
                #expect(down.errorCode == "venue_unavailable")
                #expect(try await api.call("GET", "/api/events/\(event)/venue").status == 503)
                #expect(try await api.call("PUT", "/api/venues/\(venueID)", ["notes": "Call before noon"]).status == 200)
            }
        }
    }
}
