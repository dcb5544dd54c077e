import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PostgresNIO
import Testing
@testable import Venue

/// Issue 8, "Venue customers": "`GET /api/v1/customers/search` merges Base's party search with the tenant's overlay
/// matches, de-duplicated by party id, ranked; when Base is down it answers overlay matches only, flagged
/// `marketAvailable: false`, never 500. `POST /api/v1/customers/{id}/overlays` for company- or person-level
/// parties: display name, notes, risk, preferences, operational context. Venue never copies party master data."
@Suite("Venue customers: overlays and the customer search")
struct CustomersTests {
    static func overlay(_ kind: String, _ name: String?, extra: [String: JSONValue] = [:]) -> JSONValue {
        var body: [String: JSONValue] = ["partyKind": .string(kind)]
        if let name { body["displayName"] = .string(name) }
        body.merge(extra) { _, new in new }
        return .object(body)
    }

    @Test func anOverlayIsStoredForACompanyOrPersonPartyAndTheNewestIsCurrent() async throws {
        try await withVenueApp { clients in
            let party = UUID()
            let first = try await clients.a.post("/api/v1/customers/\(party)/overlays", Self.overlay("company", "Mojo (house promoter)", extra: [
                "notes": "Pays late in summer.", "risk": "medium", "preferences": ["catering": "vegan", "loadIn": ["dock": 2]],
                "operationalContext": ["contact": "Ann", "radio": "channel 4"],
            ]))
            #expect(first.status == .created)
            #expect(first.json["partyId"]?.uuid == party && first.json["partyKind"] == "company")
            #expect(first.json["displayName"] == "Mojo (house promoter)" && first.json["risk"] == "medium")
            #expect(first.json["notes"] == "Pays late in summer.")
            #expect(first.json["preferences"]?["loadIn"]?["dock"] == 2)
            #expect(first.json["operationalContext"]?["radio"] == "channel 4")
            #expect(first.json["createdBy"]?.uuid == clients.env.userA)

            // A POST replaces the overlay as a whole: what it leaves out is not carried over; the first stays as history.
            let person = try await clients.a.post("/api/v1/customers/\(party)/overlays", Self.overlay("company", "Mojo", extra: [
                "operationalContext": "Side door after 18:00.",
            ]))
            #expect(person.status == .created)
            #expect(person.json["operationalContext"] == "Side door after 18:00.")
            #expect(person.json["notes"] == .null && person.json["risk"] == .null && person.json["preferences"] == .null)
            let stored = try await clients.env.database.query("""
                SELECT count(*) FROM customer_overlays WHERE company_id = \(clients.env.companyA) AND party_id = \(party)
                """).count()
            #expect(stored == 2)
            let found = try await clients.a.get("/api/v1/customers/search?q=mojo")
            #expect(found.json["items"]?.arrayValue?.count == 1)
            #expect(found.json["items"]?[0]?["overlay"]?["id"] == person.json["id"])
            // The old name is history: it finds nothing.
            #expect(try await clients.a.get("/api/v1/customers/search?q=promoter").json["items"] == [])

            let artist = try await clients.a.post("/api/v1/customers/\(UUID())/overlays", Self.overlay("person", nil, extra: ["risk": "low"]))
            #expect(artist.status == .created && artist.json["partyKind"] == "person" && artist.json["displayName"] == .null)
        }
    }

    @Test func overlayBodiesAreValidatedAndBounded() async throws {
        try await withVenueApp { clients in
            let path = "/api/v1/customers/\(UUID())/overlays"
            func refused(_ body: JSONValue, _ field: String, _ code: String) async throws {
                let answer = try await clients.a.post(path, body)
                #expect(answer.status == .unprocessableContent, "\(body)")
                #expect(answer.json["error"]?["details"]?.arrayValue?.contains {
                    $0["field"]?.stringValue == field && $0["code"]?.stringValue == code
                } == true, "\(field) \(code): \(answer.text)")
            }
            try await refused(["displayName": "Mojo"], "partyKind", "required")
            try await refused(Self.overlay("band", "Mojo"), "partyKind", "invalid_choice")
            try await refused(Self.overlay("company", "   "), "displayName", "blank")
            try await refused(Self.overlay("company", String(repeating: "x", count: 201)), "displayName", "too_long")
            try await refused(Self.overlay("company", "Mojo", extra: ["notes": .string(String(repeating: "n", count: 5001))]), "notes", "too_long")
            try await refused(Self.overlay("company", "Mojo", extra: ["risk": "extreme"]), "risk", "invalid_choice")
            try await refused(Self.overlay("company", "Mojo", extra: ["preferences": ["vegan"]]), "preferences", "invalid_type")
            let many = JSONValue.object(Dictionary(uniqueKeysWithValues: (0..<51).map { ("k\($0)", JSONValue.number(Double($0))) }))
            try await refused(Self.overlay("company", "Mojo", extra: ["preferences": many]), "preferences", "too_many")
            let large = JSONValue.object(["text": .string(String(repeating: "x", count: 17_000))])
            try await refused(Self.overlay("company", "Mojo", extra: ["operationalContext": large]), "operationalContext", "too_large")
            try await refused(Self.overlay("company", "Mojo", extra: ["operationalContext": 42]), "operationalContext", "invalid_type")
            try await refused(Self.overlay("company", "Mojo", extra: ["operationalContext": " "]), "operationalContext", "blank")

            let malformed = try await clients.a.request(.post, path, rawBody: #"{"partyKind": "company", "#)
            #expect(malformed.status == .badRequest && malformed.errorCode == "invalid_body")
            let wrongType = try await clients.a.post(path, ["partyKind": "company", "displayName": 7])
            #expect(wrongType.status == .badRequest && wrongType.errorCode == "invalid_body")
            // A malformed party id names nothing.
            #expect(try await clients.a.post("/api/v1/customers/not-a-uuid/overlays", Self.overlay("company", "Mojo")).status == .notFound)
            #expect(try await clients.env.database.query("SELECT count(*) FROM customer_overlays").count() == 0)
        }
    }

    @Test func overlaysAndTheSearchNeedTheCustomersPermissions() async throws {
        try await withVenueApp { clients in
            let path = "/api/v1/customers/\(UUID())/overlays"
            let reader = clients.a(permissions: [VenuePermission.customersRead])
            let write = try await reader.post(path, Self.overlay("company", "Mojo"))
            #expect(write.status == .forbidden && write.errorCode == "permission_denied")
            #expect(try await reader.get("/api/v1/customers/search?q=mojo").status == .ok)
            let bookings = clients.a(permissions: [VenuePermission.bookingsRead, VenuePermission.bookingsWrite])
            #expect(try await bookings.get("/api/v1/customers/search?q=mojo").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: [VenuePermission.customersWrite]).post(path, Self.overlay("company", "Mojo")).status == .created)
            #expect(try await clients.a(permissions: VenuePermission.customersAll, modules: []).get("/api/v1/customers/search?q=m")
                .errorCode == "module_disabled")
        }
    }

    @Test func theSearchMergesMarketAndOverlaysOnePerPartyRankedWithOverlaysBoosted() async throws {
        try await withFakeBase { base, settings in
            try await withVenueApp(settings: settings) { clients in
                let a = clients.env.companyA
                let concerts = base.party("Mojo Concerts", of: a, score: 0.6786, email: "office@mojo.example")
                let records = base.party("Mojo Records", of: a, score: 0.6923)
                let nixon = base.party("Mojo Nixon", of: a, kind: .person, score: 0.7273)
                let paradiso = base.party("Paradiso", of: a, score: 1)
                let unknownToBase = UUID()
                // The venue's own name for Mojo Concerts matches the text too; Paradiso's overlay does not match it.
                #expect(try await clients.a.post("/api/v1/customers/\(concerts)/overlays", Self.overlay("company", "Mojo house promoter")).status == .created)
                #expect(try await clients.a.post("/api/v1/customers/\(paradiso)/overlays", Self.overlay("company", "Big room")).status == .created)
                #expect(try await clients.a.post("/api/v1/customers/\(unknownToBase)/overlays", Self.overlay("person", "The Mojo pop-up")).status == .created)

                let found = try await clients.a.request(.get, "/api/v1/customers/search?q=mojo",
                                                        headers: [HTTPField.Name("X-Request-ID")!: "customer-search-1"])
                #expect(found.status == .ok)
                #expect(found.json["marketAvailable"] == true && found.json["marketMessage"] == .null && found.json["limit"] == 20)
                let items = found.json["items"]?.arrayValue ?? []
                // One item per party, by score: Mojo Concerts' overlay matched (its Market score 0.6786 or the overlay's
                // 0.625, whichever is better, + 0.5), then Market's by its score, then the overlay-only match, whose
                // name only contains the text (0.1563 + 0.5: the boost does not lift a weak match over Market's).
                #expect(items.compactMap { $0["partyId"]?.uuid } == [concerts, nixon, records, unknownToBase])
                #expect(items.compactMap { $0["score"]?.doubleValue } == [1.1786, 0.7273, 0.6923, 0.6563])
                let first = try #require(items.first)
                #expect(first["marketMatch"] == true && first["overlayMatch"] == true)
                #expect(first["name"] == "Mojo Concerts" && first["email"] == "office@mojo.example" && first["source"] == "company")
                #expect(first["displayName"] == "Mojo house promoter" && first["overlay"]?["displayName"] == "Mojo house promoter")
                let popUp = try #require(items.last)
                #expect(popUp["marketMatch"] == false && popUp["overlayMatch"] == true && popUp["partyKind"] == "person")
                #expect(popUp["name"] == .null && popUp["source"] == .null && popUp["email"] == .null)
                #expect(popUp["displayName"] == "The Mojo pop-up" && popUp["overlay"]?["partyId"]?.uuid == unknownToBase)
                #expect(items[1]["overlay"] == .null && items[1]["displayName"] == "Mojo Nixon" && items[1]["overlayMatch"] == false)

                // Base was asked as Venue's machine in company A, with the caller's request id.
                let asked = try #require(base.seen.last)
                #expect(asked.key == TestDefaults.internalKeys[1] && asked.org == a.uuidString.lowercased())
                #expect(asked.requestID == "customer-search-1")
                #expect(asked.query["q"] == "mojo" && asked.query["limit"] == "20" && asked.query["page"] == "1")

                // A party Base answers carries its overlay even when the overlay did not match.
                let room = try await clients.a.get("/api/v1/customers/search?q=paradiso")
                #expect(room.json["items"]?[0]?["partyId"]?.uuid == paradiso)
                #expect(room.json["items"]?[0]?["overlayMatch"] == false && room.json["items"]?[0]?["displayName"] == "Big room")
                #expect(room.json["items"]?[0]?["score"] == 1)

                // kind and limit reach Base and the overlays alike.
                let people = try await clients.a.get("/api/v1/customers/search?q=mojo&kind=person")
                #expect(people.json["items"]?.arrayValue?.compactMap { $0["partyId"]?.uuid } == [nixon, unknownToBase])
                #expect(base.seen.last?.query["kind"] == "person")
                // With room for one, Base answers its best (Mojo Nixon), and the best overlay match outranks it.
                let one = try await clients.a.get("/api/v1/customers/search?q=mojo&limit=1")
                #expect(base.seen.last?.query["limit"] == "1")
                #expect(one.json["items"]?.arrayValue?.compactMap { $0["partyId"]?.uuid } == [concerts])

                // Company B: its own Market and overlays only; A's overlay on the same party is not B's.
                #expect(try await clients.b.post("/api/v1/customers/\(concerts)/overlays", Self.overlay("company", "Concerts B")).status == .created)
                let asB = try await clients.b.get("/api/v1/customers/search?q=mojo")
                #expect(asB.json["items"] == [] && asB.json["marketAvailable"] == true)
                #expect(base.seen.last?.org == clients.env.companyB.uuidString.lowercased())
                #expect(try await clients.b.get("/api/v1/customers/search?q=concerts").json["items"]?[0]?["overlay"]?["displayName"] == "Concerts B")
                #expect(try await clients.a.get("/api/v1/customers/search?q=concerts b").json["items"] == [])
            }
        }
    }

    @Test func withoutBaseTheSearchAnswersOverlayMatchesFlaggedNever500() async throws {
        let unreachable = VenueSettings(base: CalleeSettings(baseURL: "http://127.0.0.1:1", apiKey: TestDefaults.internalKeys[1]))
        for (settings, message) in [(VenueSettings(), CustomersRoutes.marketNotConfigured), (unreachable, CustomersRoutes.marketUnreachable)] {
            try await withVenueApp(settings: settings) { clients in
                let party = UUID()
                #expect(try await clients.a.post("/api/v1/customers/\(party)/overlays", Self.overlay("company", "Mojo Concerts")).status == .created)
                let found = try await clients.a.get("/api/v1/customers/search?q=concerts")
                #expect(found.status == .ok)
                #expect(found.json["marketAvailable"] == false && found.json["marketMessage"] == .string(message))
                #expect(found.json["items"]?.arrayValue?.compactMap { $0["partyId"]?.uuid } == [party])
                #expect(found.json["items"]?[0]?["marketMatch"] == false)
            }
        }
    }

    @Test func baseErroringOrTooSlowIsMarketUnavailable() async throws {
        try await withFakeBase(timeout: .seconds(1)) { base, settings in
            try await withVenueApp(settings: settings) { clients in
                base.party("Mojo Concerts", of: clients.env.companyA)
                let party = UUID()
                #expect(try await clients.a.post("/api/v1/customers/\(party)/overlays", Self.overlay("company", "Mojo house")).status == .created)
                for behaviour in [FakeBase.Behaviour.status(.internalServerError), .status(.unauthorized), .status(.badRequest),
                                  .delay(.seconds(60))] {
                    base.behave(behaviour)
                    let started = ContinuousClock.now
                    let found = try await clients.a.get("/api/v1/customers/search?q=mojo")
                    #expect(found.status == .ok, "\(behaviour)")
                    #expect(found.json["marketAvailable"] == false && found.json["marketMessage"] == .string(CustomersRoutes.marketUnreachable))
                    #expect(found.json["items"]?.arrayValue?.compactMap { $0["partyId"]?.uuid } == [party])
                    // BASE_TIMEOUT_SECONDS (1 here) bounds the wait, not Base's 60 seconds; generous for a loaded machine.
                    #expect(ContinuousClock.now - started < .seconds(20), "the timeout bounds the wait: \(behaviour)")
                }
                base.behave(.answer)
                #expect(try await clients.a.get("/api/v1/customers/search?q=mojo").json["items"]?.arrayValue?.count == 2)
            }
        }
    }

    @Test func searchQueriesAreChecked() async throws {
        try await withVenueApp { clients in
            for query in ["", "q=", "q=%20%20", "q=mojo&limit=0", "q=mojo&limit=51", "q=mojo&kind=band",
                          "q=\(String(repeating: "a", count: 201))"] {
                let answer = try await clients.a.get("/api/v1/customers/search?\(query)")
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query", "\(query)")
            }
            #expect(try await clients.a.get("/api/v1/customers/search?q=\(String(repeating: "a", count: 200))&limit=50").status == .ok)
            // LIKE wildcards are text.
            #expect(try await clients.a.post("/api/v1/customers/\(UUID())/overlays", Self.overlay("company", "Mojo")).status == .created)
            #expect(try await clients.a.get("/api/v1/customers/search?q=%25").json["items"] == [])
        }
    }

    @Test func rankingIsMarketScoreOrOverlayScorePlusTheBoost() {
        func hit(_ id: UUID, _ kind: String, _ name: String, matched: Bool, score: Double) -> OverlayHit {
            OverlayHit(overlay: CustomerOverlay(id: UUID(), partyId: id, partyKind: kind, displayName: name, notes: nil, risk: nil,
                                                preferences: nil, operationalContext: nil, createdBy: nil, createdAt: Date()),
                       matched: matched, score: score)
        }
        let (x, y, z) = (UUID(), UUID(), UUID())
        let market = [PartySearchItem(id: x, kind: .company, source: .agency, name: "Xylo", email: nil, countryId: nil, city: nil, score: 0.9),
                      PartySearchItem(id: y, kind: .company, source: .company, name: "Yard", email: nil, countryId: nil, city: nil, score: 0.3)]
        let merged = CustomerRanking.merge(market: market, overlays: [
            hit(y, "company", "Yard (ours)", matched: true, score: 0.45), hit(z, "person", "Zed", matched: true, score: 0.2),
            hit(y, "company", "Yard (ours)", matched: false, score: 0.45),
        ], limit: 10)
        #expect(merged.map(\.partyId) == [y, x, z])
        #expect(merged.map(\.score) == [0.95, 0.9, 0.7])
        #expect(merged[0].overlayMatch && merged[0].marketMatch && merged[0].displayName == "Yard (ours)")
        #expect(CustomerRanking.merge(market: market, overlays: [], limit: 1).map(\.partyId) == [x])
    }
}

extension VenuePermission {
    static let customersAll = [customersRead, customersWrite]
}
