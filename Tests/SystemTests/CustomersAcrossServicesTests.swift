import Base
import Foundation
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumServiceClient
import KisumTesting
import PlatformCore
import PlatformCoreAPI
import PostgresNIO
import Testing
import Venue

/// Issue 8, "Done when": "A system test runs Base, Venue and Platform Core as processes: a party created in Base
/// is found by Venue's customer search, an overlay changes its display name in the customers report, and Base
/// stopped still yields overlay matches with the flag."
///
/// Platform Core, Base and Venue as three live servers wired the way `serve` wires them (AUTH_JWKS_URL and
/// PLATFORM_CORE_URL for both; Venue's BASE_URL and BASE_API_KEY). The party is created through Base's public
/// `POST /api/companies` by the signed-up owner, whose access Base resolves from the live Platform Core.
@Suite("System: Venue's customers over Base's party registry", .timeLimit(.minutes(10)))
struct CustomersAcrossServicesTests {
    @Test func aBasePartyIsFoundOverlaidReportedAndStillFoundWhenBaseStops() async throws {
        try await LiveCore.withSignedUpOwner(email: "owner@paradiso.example", company: "Paradiso") { live in
            let (verifier, resolver, workspace, token, storage) = (live.verifier, live.resolver, live.workspace, live.token, live.storage)

            let base = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(), accessResolver: resolver, verifier: verifier)
            // Base's address for the whole test: found by starting it once (and creating the party through its API),
            // then reused when it runs again.
            let (basePort, party) = try await base.live { port in
                let created = try await Caller(baseURL: "http://127.0.0.1:\(port)").with(token: token, org: workspace).call("POST", "/api/companies", [
                    "name": "Mojo Concerts", "kind": "promoter", "email": "office@mojo.example",
                ])
                #expect(created.status == 201, "\(created.json)")
                return (port, try #require(created.json["id"]?.stringValue.flatMap(UUID.init(uuidString:))))
            }
            let venue = try await ServiceTestHarness(VenueService.self, settings: VenueSettings(
                storageDirectory: storage,
                base: CalleeSettings(baseURL: "http://127.0.0.1:\(basePort)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(10))),
                accessResolver: resolver, verifier: verifier)
            try await venue.live { venuePort in
                let api = Caller(baseURL: "http://127.0.0.1:\(venuePort)").with(token: token, org: workspace)
                let report = "/api/v1/reports/customers?fromAt=2031-04-01T00:00:00Z&toAt=2031-06-01T00:00:00Z"

                try await base.live(port: basePort) { _ in
                    // Venue's customer search finds the party Base holds, with Base's master data.
                    let found = try await api.call("GET", "/api/v1/customers/search?q=mojo")
                    #expect(found.status == 200, "\(found.json)")
                    #expect(found.json["marketAvailable"] == true)
                    let item = try #require(found.json["items"]?[0])
                    #expect(item["partyId"]?.stringValue.flatMap(UUID.init(uuidString:)) == party)
                    #expect(item["name"] == "Mojo Concerts" && item["email"] == "office@mojo.example" && item["partyKind"] == "company")

                    // The party books a space; the report knows it by id only until Venue names it.
                    let space = try await EventAcrossServicesTests.space(api)
                    let booked = try await api.call("POST", "/api/v1/bookings", [
                        "spaceIds": [.string(space)], "marketCompanyId": .uuid(party),
                        "startAt": "2031-05-01T20:00:00Z", "endAt": "2031-05-01T23:00:00Z",
                    ])
                    #expect(booked.status == 201, "\(booked.json)")
                    let before = try await api.call("GET", report)
                    #expect(before.json["rows"]?[0]?["partyId"] == .uuid(party) && before.json["rows"]?[0]?["displayName"] == .null)

                    let overlay = try await api.call("POST", "/api/v1/customers/\(party)/overlays", [
                        "partyKind": "company", "displayName": "Mojo house promoter", "risk": "low",
                    ])
                    #expect(overlay.status == 201, "\(overlay.json)")
                    let after = try await api.call("GET", report)
                    #expect(after.json["rows"]?[0]?["displayName"] == "Mojo house promoter")
                    #expect(after.json["rows"]?[0]?["bookingCount"] == 1 && after.json["totals"]?["customerCount"] == 1)

                    let both = try await api.call("GET", "/api/v1/customers/search?q=mojo")
                    #expect(both.json["items"]?.arrayValue?.count == 1, "one item per party: \(both.json)")
                    #expect(both.json["items"]?[0]?["marketMatch"] == true && both.json["items"]?[0]?["overlayMatch"] == true)
                }

                // Base is stopped: the overlay still finds the party, flagged, and nothing fails.
                let down = try await api.call("GET", "/api/v1/customers/search?q=mojo")
                #expect(down.status == 200)
                #expect(down.json["marketAvailable"] == false && down.json["marketMessage"]?.stringValue != nil)
                let item = try #require(down.json["items"]?[0])
                #expect(item["partyId"] == .uuid(party) && item["displayName"] == "Mojo house promoter")
                #expect(item["marketMatch"] == false && item["name"] == .null)
                #expect(try await api.call("GET", report).json["rows"]?[0]?["displayName"] == "Mojo house promoter")
            }
        }
    }
}
