import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8: "Companies (11, business metadata only, never membership)"; "search with filters (name, genre,
/// country, city, agency, status), sorting and paging, using PostgreSQL full-text search or trigram indexes";
/// "another company's ids answer 404, every bad input a 4xx with a stable code, and deletes that would orphan
/// data refused (409)".
@Suite("Base companies: records, search, the current profile")
struct CompaniesTests {
    static let germany = "0151d92a-3a22-67a3-2f28-82a5d7140e6f"

    static func withCompanies(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: ["basic.companies.read", "basic.companies.write"], module: "basic", body)
    }

    @Test func createReadReplaceAndDeleteARecord() async throws {
        try await Self.withCompanies { t in
            let created = try await t.a.post("/api/companies", [
                "name": "Live Nation Benelux", "kind": "promoter", "legalName": "Live Nation Benelux B.V.", "email": "info@ln.example",
                "phone": "+31 20 123 4567", "website": "https://ln.example", "countryId": .string(Self.germany), "city": "Berlin",
                "currency": "EUR", "notes": "Main promoter",
            ])
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.json["kind"] == "promoter")
            #expect(created.json["status"] == "active")
            #expect(created.json["isCurrent"] == false)
            #expect(created.json["countryCode"] == "DE")
            #expect(created.json["logoUrl"] == .null)
            #expect(created.json["taxId"] == .null)

            #expect(try await t.a.get("/api/companies/\(id)").json["legalName"] == "Live Nation Benelux B.V.")
            // PUT replaces the whole record: what is left out is cleared or back to its default.
            let replaced = try await t.a.put("/api/companies/\(id)", ["name": "Live Nation NL", "status": "inactive"])
            #expect(replaced.status == .ok)
            #expect(replaced.json["name"] == "Live Nation NL")
            #expect(replaced.json["status"] == "inactive")
            #expect(replaced.json["kind"] == "other")
            #expect(replaced.json["countryId"] == .null)
            #expect(replaced.json["email"] == .null)

            #expect(try await t.a.delete("/api/companies/\(id)").status == .noContent)
            #expect(try await t.a.get("/api/companies/\(id)").status == .notFound)
            #expect(try await t.a.delete("/api/companies/\(id)").status == .notFound)
        }
    }

    @Test func listFiltersSortsAndPagesAndSearchRanks() async throws {
        try await Self.withCompanies { t in
            for (name, kind, city) in [("Mojo Concerts", "promoter", "Amsterdam"), ("Mojo Records", "label", "Utrecht"),
                                       ("Red Bull Music", "sponsor", "Amsterdam"), ("Paradiso", "venue_operator", "amsterdam"),
                                       ("Sony Music", "label", "Berlin")] {
                #expect(try await t.a.post("/api/companies", ["name": .string(name), "kind": .string(kind), "city": .string(city)]).status == .created)
            }
            #expect(try await t.b.post("/api/companies", ["name": "Mojo Elsewhere"]).status == .created)

            let all = try await t.a.get("/api/companies")
            #expect(all.json["total"] == 5)
            #expect(all.json["items"]?[0]?["name"] == "Mojo Concerts")
            #expect(try await t.a.get("/api/companies?q=mojo").json["total"] == 2)
            #expect(try await t.a.get("/api/companies?q=MUSIC&kind=label").json["items"]?[0]?["name"] == "Sony Music")
            #expect(try await t.a.get("/api/companies?city=AMSTERDAM").json["total"] == 3)
            #expect(try await t.a.get("/api/companies?kind=label&sort=-name").json["items"]?[0]?["name"] == "Sony Music")
            #expect(try await t.a.get("/api/companies?sort=-createdAt&limit=1").json["items"]?[0]?["name"] == "Sony Music")
            let page2 = try await t.a.get("/api/companies?limit=2&page=2")
            #expect(page2.json["items"]?.arrayValue?.count == 2)
            #expect(page2.json["total"] == 5)
            #expect(try await t.a.get("/api/companies?status=archived").json["total"] == 0)

            // Search: exact name first, then prefixes, then similar names (a typo still finds it).
            let search = try await t.a.get("/api/companies/search?q=Mojo%20Records")
            #expect(search.json["items"]?[0]?["name"] == "Mojo Records")
            #expect(try await t.a.get("/api/companies/search?q=paradisso").json["items"]?[0]?["name"] == "Paradiso")
            #expect(try await t.a.get("/api/companies/search?q=mojo&kind=label").json["total"] == 1)
            #expect(try await t.b.get("/api/companies/search?q=mojo").json["total"] == 1)
        }
    }

    @Test func theCurrentProfileIsCreatedByTheFirstPutAndCannotBeDeleted() async throws {
        try await Self.withCompanies { t in
            let missing = try await t.a.get("/api/companies/current")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "company_profile_not_found")
            let first = try await t.a.put("/api/companies/current", ["name": "Kisum Agency", "kind": "agency", "currency": "EUR"])
            #expect(first.status == .created)
            #expect(first.json["isCurrent"] == true)
            let id = try #require(first.json["id"]?.stringValue)
            let second = try await t.a.put("/api/companies/current", ["name": "Kisum Agency B.V.", "kind": "agency"])
            #expect(second.status == .ok)
            #expect(second.json["id"]?.stringValue == id)
            #expect(second.json["currency"] == .null)
            #expect(try await t.a.get("/api/companies/current").json["name"] == "Kisum Agency B.V.")
            // Listed with the others, marked.
            #expect(try await t.a.get("/api/companies").json["items"]?[0]?["isCurrent"] == true)

            let refused = try await t.a.delete("/api/companies/\(id)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "current_company")
            // Company B has its own (none yet), and cannot see A's.
            #expect(try await t.b.get("/api/companies/current").status == .notFound)
            #expect(try await t.b.get("/api/companies/\(id)").status == .notFound)
        }
    }

    /// Two first saves at once meet at the partial unique index: one profile, both requests succeed.
    @Test func concurrentFirstSavesOfTheProfileEndInOneRecord() async throws {
        try await Self.withCompanies { t in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<6 {
                    group.addTask { try await t.a.put("/api/companies/current", ["name": .string("Profile \(index)")]).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .created })
            #expect(statuses.filter { $0 == .created }.count == 1)
            let listed = try await t.a.get("/api/companies").json["items"]?.arrayValue ?? []
            #expect(listed.count == 1)
        }
    }

    @Test func validationAndMalformedInput() async throws {
        try await Self.withCompanies { t in
            let bad = try await t.a.post("/api/companies", [
                "name": " ", "kind": "bank", "status": "gone", "email": "nope", "phone": "call me", "website": "ftp://x.example",
                "currency": "EURO", "legalName": .string(String(repeating: "x", count: 201)),
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["name", "kind", "status", "email", "phone", "website", "currency", "legalName"])
            #expect(try await t.a.post("/api/companies", ["name": "X", "currency": "ABC"]).errorFields == ["currency"])
            #expect(try await t.a.post("/api/companies", ["name": "X", "phone": "+31 20 123\n"]).errorFields == ["phone"])
            let unknownCountry = try await t.a.post("/api/companies", ["name": "X", "countryId": .string(UUID().uuidString)])
            #expect(unknownCountry.status == .unprocessableContent)
            #expect(unknownCountry.errorFields == ["countryId"])
            #expect(try await t.a.post("/api/companies", [:]).errorFields == ["name"])
            #expect(try await t.a.put("/api/companies/current", ["name": nil]).errorFields == ["name"])

            #expect(try await t.a.request(.post, "/api/companies", rawBody: "{\"name\": ").errorCode == "invalid_body")
            #expect(try await t.a.post("/api/companies", ["name": 5]).status == .badRequest)
            #expect(try await t.a.post("/api/companies", ["name": "X", "countryId": "not-a-uuid"]).status == .badRequest)
            for query in ["limit=101", "page=0", "kind=bank", "status=x", "countryId=x", "sort=size", "q=" + String(repeating: "a", count: 201)] {
                #expect(try await t.a.get("/api/companies?\(query)").errorCode == "invalid_query", "\(query)")
            }
            #expect(try await t.a.get("/api/companies/search").errorFields == ["q"])
            #expect(try await t.a.get("/api/companies/search?q=%20%20").errorFields == ["q"])
            #expect(try await t.a.get("/api/companies/not-a-uuid").status == .notFound)
        }
    }

    @Test func permissionsAndAnotherCompanysIds() async throws {
        try await Self.withCompanies { t in
            let id = try #require(try await t.a.post("/api/companies", ["name": "Mine"]).json["id"]?.stringValue)
            let reader = t.a(permissions: ["basic.companies.read"])
            #expect(try await reader.get("/api/companies").status == .ok)
            #expect(try await reader.get("/api/companies/\(id)").status == .ok)
            #expect(try await reader.get("/api/companies/search?q=mine").status == .ok)
            for response in [try await reader.post("/api/companies", ["name": "X"]), try await reader.put("/api/companies/\(id)", ["name": "X"]),
                             try await reader.delete("/api/companies/\(id)"), try await reader.put("/api/companies/current", ["name": "X"])] {
                #expect(response.errorCode == "permission_denied")
            }
            let nobody = t.a(permissions: ["basic.artists.read"])
            for path in ["/api/companies", "/api/companies/\(id)", "/api/companies/current", "/api/companies/search?q=x"] {
                #expect(try await nobody.get(path).errorCode == "permission_denied", "\(path)")
            }
            #expect(try await t.a(permissions: ["basic.*"], modules: ["venue"]).get("/api/companies").errorCode == "module_disabled")

            // Company B sees none of A's records, and cannot change or delete them.
            #expect(try await t.b.get("/api/companies/\(id)").status == .notFound)
            #expect(try await t.b.put("/api/companies/\(id)", ["name": "Taken"]).status == .notFound)
            #expect(try await t.b.delete("/api/companies/\(id)").status == .notFound)
            #expect(try await t.b.get("/api/companies").json["total"] == 0)
            #expect(try await t.a.get("/api/companies/\(id)").json["name"] == "Mine")
        }
    }
}
