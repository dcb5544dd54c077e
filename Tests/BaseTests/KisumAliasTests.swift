import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "Kisum aliases call the same handlers as their canonical routes (no copied code) and say so in the
/// contract (`deprecated: true`, pointing at the canonical path)"; "Untagged: `GET /api` (a service index: name,
/// version, links to the contract and docs) and `GET /api/health`, tagged in the contract."
@Suite("Base Kisum aliases, company search and service index")
struct KisumAliasTests {
    static let permissions = allOpsTestPermissions + [BasePermission.venuesRead, BasePermission.offersRead, BasePermission.offersWrite, BasePermission.agenciesRead,
                                                       BasePermission.incomeRead, BasePermission.expensesRead]

    func withAliases(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: Self.permissions, module: BasePermission.module, body)
    }

    @Test func everyAliasAnswersAsItsCanonicalRoute() async throws {
        try await withAliases { t in
            let artist = try await t.a.makeOpsArtist("Alias Artist")
            _ = try await t.insertOpsEvent("Alias Night", on: "2027-03-01")
            _ = try await t.a.opsCreated("/api/offer", offerBody(artist))
            _ = try await t.a.opsCreated("/api/festivals", ["name": "Alias Fest", "startsOn": "2027-06-01", "endsOn": "2027-06-02", "currency": "EUR"])
            let pairs = [("events", "/api/events"), ("artists", "/api/artists"), ("venues", "/api/venues"), ("offers", "/api/offer"),
                         ("festivals", "/api/festivals"), ("dashboard", "/api/dashboard")]
            for (alias, canonical) in pairs {
                let old = try await t.a.get("/api/kisum/\(alias)?page=1&limit=5")
                let new = try await t.a.get("\(canonical)?page=1&limit=5")
                // Venue's inventory is not configured here: the venues list refuses, and its alias refuses the same way.
                #expect(old.status == (alias == "venues" ? .serviceUnavailable : .ok), "\(alias): \(old.text)")
                #expect(old.status == new.status && old.errorCode == new.errorCode, "\(alias)")
                if old.status == .ok { #expect(old.json == new.json, "\(alias)") }
            }
            #expect(try await t.a.get("/api/kisum/artists").json["total"] == 1)
            #expect(try await t.a.get("/api/kisum/offers").json["total"] == 1)
            // Company B sees none of A's rows through the aliases either.
            #expect(try await t.b.get("/api/kisum/events").json["total"] == 0)
            #expect(try await t.b.get("/api/kisum/artists").json["total"] == 0)
            // The canonical route's validation and permission apply.
            #expect(try await t.a.get("/api/kisum/events?limit=0").status == .badRequest)
            #expect(try await t.a(permissions: [BasePermission.artistsRead]).get("/api/kisum/events").errorCode == "permission_denied")
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).get("/api/kisum/events").status == .ok)
        }
    }

    @Test func searchFindsTheCompanysRecordsOfEveryKindBestFirst() async throws {
        try await withAliases { t in
            let artist = try await t.a.makeOpsArtist("Moonlight Drive")
            let near = try await t.a.makeOpsArtist("Moonlight")
            let event = try await t.insertOpsEvent("Moonlight Sessions", on: "2027-03-01", city: "Utrecht")
            let agency = try await t.opsDatabase.query("INSERT INTO agencies (company_id, name) VALUES (\(t.companyA), 'Moonlight Booking') RETURNING id")
                .first { try $0.decode(UUID.self) }
            try await t.opsDatabase.query("""
                INSERT INTO venue_links (company_id, venue_id, venue_name, created_by) VALUES (\(t.companyA), \(UUID()), 'Moonlight Hall', \(UUID()))
                """)
            _ = try await t.b.makeOpsArtist("Moonlight Other Company")

            let all = try await t.a.get("/api/search?q=moonlight")
            #expect(all.status == .ok)
            #expect(all.json["total"] == 5)
            let items = all.json["items"]?.arrayValue ?? []
            // The exact name scores highest; every hit is A's own.
            #expect(items.first?["id"]?.uuid == near)
            #expect(Set(items.compactMap { $0["kind"]?.stringValue }) == ["artist", "agency", "event", "venue"])
            #expect(items.contains { $0["id"]?.uuid == artist })
            #expect(items.contains { $0["id"]?.uuid == agency && $0["detail"] == "booking" })
            #expect(items.contains { $0["id"]?.uuid == event && $0["detail"] == "2027-03-01 · Utrecht" })
            #expect(!items.contains { $0["name"] == "Moonlight Other Company" })

            let narrowed = try await t.a.get("/api/search?q=MOON&kinds=event,agency&limit=1")
            #expect(narrowed.json["total"] == 2)
            #expect(narrowed.json["items"]?.arrayValue?.count == 1)
            // The legacy path is the same handler.
            #expect(try await t.a.get("/api/kisum/search?q=moonlight").json == all.json)
            // Literal text: % is not a wildcard.
            #expect(try await t.a.get("/api/search?q=%25").json["total"] == 0)
        }
    }

    @Test func searchShowsOnlyKindsTheCallerMayRead() async throws {
        try await withAliases { t in
            _ = try await t.a.makeOpsArtist("Shared Name")
            _ = try await t.insertOpsEvent("Shared Name Live", on: "2027-03-01")
            let eventsOnly = t.a(permissions: [BasePermission.eventsRead])
            let seen = try await eventsOnly.get("/api/search?q=shared")
            #expect(seen.json["total"] == 1)
            #expect(seen.json["items"]?[0]?["kind"] == "event")
            #expect(try await eventsOnly.get("/api/search?q=shared&kinds=artist").errorCode == "permission_denied")
            #expect(try await t.a(permissions: []).get("/api/search?q=shared").errorCode == "permission_denied")
        }
    }

    @Test func searchRefusesBadQueries() async throws {
        try await withAliases { t in
            for query in ["", "?q=", "?q=%20%20", "?q=a&kinds=", "?q=a&kinds=artist,planet", "?q=a&kinds=artist,,event",
                          "?q=\(String(repeating: "a", count: 201))", "?q=a&limit=101", "?q=a&page=0"] {
                let answer = try await t.a.get("/api/search\(query)")
                #expect(answer.status == .badRequest, "\(query)")
                #expect(answer.errorCode == "invalid_query", "\(query)")
            }
        }
    }

    @Test func serviceIndexAndHealthNeedNoToken() async throws {
        try await withAliases { t in
            let anonymous = APITestClient(t.raw)
            let index = try await anonymous.get("/api")
            #expect(index.status == .ok)
            #expect(index.json["name"] == "base")
            #expect(index.json["links"]?["contract"] == "/openapi.yaml")
            let contract = try await anonymous.get("/openapi.yaml").text
            let version = try #require(index.json["version"]?.stringValue)
            #expect(version != "unknown")
            #expect(contract.contains("info:\n  title: Kisum Base API\n  version: \(version)\n"))
            let health = try await anonymous.get("/api/health")
            #expect(health.status == .ok)
            #expect(health.json["checks"]?["database"] == "ok")
        }
    }
}
