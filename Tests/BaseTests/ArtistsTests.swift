import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Fixtures of the Artists tests (a namespace, so other features' test helpers cannot collide with them).
enum ArtistFixtures {
    static let permissions = ["basic.artists.read", "basic.artists.write"]

    /// Two companies whose members hold both artist permissions.
    static func withCompanies(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: permissions, module: "basic", body)
    }

    /// Creates an artist and answers its id.
    @discardableResult
    static func create(_ api: APITestClient, _ name: String, _ extra: [String: JSONValue] = [:]) async throws -> UUID {
        var body: [String: JSONValue] = ["name": .string(name)]
        for (key, value) in extra { body[key] = value }
        let response = try await api.post("/api/artists", .object(body))
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating \(name): \(response.status) \(response.text)")
        }
        return id
    }

    /// Genre ids by slug (the taxonomy of migration 0001).
    static func genres(_ api: APITestClient) async throws -> [String: UUID] {
        let list = try await api.get("/api/genres").json.arrayValue ?? []
        var ids: [String: UUID] = [:]
        for genre in list {
            if let slug = genre["slug"]?.stringValue, let id = genre["id"]?.uuid { ids[slug] = id }
        }
        return ids
    }

    static func country(_ api: APITestClient, _ iso: String) async throws -> UUID {
        guard let id = try await api.get("/api/countries/iso/\(iso)").json["id"]?.uuid else { throw TestFailure("no country \(iso)") }
        return id
    }

    /// A roster entry written straight to the table (the Roster routes are another feature's).
    static func putOnRoster(_ env: TwoCompanies<BaseService>, company: UUID, artist: UUID, agency: UUID? = nil,
                            endsOn: String? = nil) async throws {
        try await env.harness.database.query("""
            INSERT INTO roster_entries (company_id, artist_id, agency_id, ends_on)
            VALUES (\(company), \(artist), \(agency), \(endsOn)::date)
            """)
    }

    static func agency(_ env: TwoCompanies<BaseService>, company: UUID, name: String) async throws -> UUID {
        try await env.harness.database.query("""
            INSERT INTO agencies (company_id, name) VALUES (\(company), \(name)) RETURNING id
            """).first { try $0.decode(UUID.self) } ?? UUID()
    }

    static func uuid(_ value: JSONValue?) throws -> UUID {
        try #require(value?.uuid)
    }
}

/// Issue 8: "Rules for every route: token + `x-org`, … a `basic.<group>.<read|write>` permission, another
/// company's ids answer 404, every bad input a 4xx with a stable code, and deletes that would orphan data
/// refused (409) or cascaded as documented." — the artist itself: create, read, full update under optimistic
/// concurrency, delete.
@Suite("Base artists: create, read, update, delete")
struct ArtistsTests {
    @Test func anArtistIsCreatedReadReplacedAndDeleted() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let genres = try await ArtistFixtures.genres(api)
            let netherlands = try await ArtistFixtures.country(api, "NL")
            let rock = try #require(genres["rock"]), techno = try #require(genres["techno"]), house = try #require(genres["house"])
            let created = try await api.post("/api/artists", [
                "name": "Kensington", "kind": "band", "email": "booking@kensington.nl", "phone": "+31 20 123 4567",
                "website": "https://kensington.nl", "countryId": .uuid(netherlands), "city": "Utrecht",
                "genreIds": [.uuid(rock), .uuid(techno)],
            ])
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            let id = try ArtistFixtures.uuid(created.json["id"])
            #expect(created.json["version"] == 1)
            #expect(created.json["status"] == "active", "status defaults to active")
            #expect(created.json["imageUrl"] == .null, "absent optionals are sent as null")
            #expect(created.json["genres"]?.arrayValue?.compactMap { $0["slug"]?.stringValue } == ["rock", "techno"])

            let read = try await api.get("/api/artists/\(id)")
            #expect(read.status == .ok)
            #expect(read.json["countryId"]?.uuid == netherlands)
            #expect(read.headers[.eTag] == "\"1\"")

            // A full update: what is left out is cleared, kind and status stay, genres are replaced.
            let replaced = try await api.put("/api/artists/\(id)", [
                "name": "Kensington (NL)", "version": 1, "genreIds": [.uuid(house)], "imageUrl": "http://img.example/k.png",
            ])
            #expect(replaced.status == .ok)
            #expect(replaced.json["version"] == 2)
            #expect(replaced.headers[.eTag] == "\"2\"")
            #expect(replaced.json["name"] == "Kensington (NL)")
            #expect(replaced.json["kind"] == "band")
            #expect(replaced.json["email"] == .null && replaced.json["city"] == .null && replaced.json["countryId"] == .null)
            #expect(replaced.json["genres"]?.arrayValue?.compactMap { $0["slug"]?.stringValue } == ["house"])

            // The loser of two writers gets 409 with the version to re-read.
            let stale = try await api.put("/api/artists/\(id)", ["name": "Late writer", "version": 1])
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == "version_conflict")
            #expect(stale.json["error"]?["info"]?["currentVersion"] == 2)
            #expect(try await api.get("/api/artists/\(id)").json["name"] == "Kensington (NL)")

            // If-Match carries the version instead of the body; the two must agree when both are sent.
            let viaHeader = try await api.request(.put, "/api/artists/\(id)", json: ["name": "Kensington", "status": "inactive"],
                                                  headers: [.ifMatch: "\"2\""])
            #expect(viaHeader.status == .ok)
            #expect(viaHeader.json["version"] == 3 && viaHeader.json["status"] == "inactive")
            let disagree = try await api.request(.put, "/api/artists/\(id)", json: ["name": "X", "version": 3], headers: [.ifMatch: "\"2\""])
            #expect(disagree.status == .unprocessableContent && disagree.errorFields == ["version"])
            let none = try await api.put("/api/artists/\(id)", ["name": "X"])
            #expect(none.status == .unprocessableContent && none.errorFields == ["version"])
            let garbled = try await api.request(.put, "/api/artists/\(id)", json: ["name": "X"], headers: [.ifMatch: "*"])
            #expect(garbled.status == .badRequest && garbled.errorCode == "invalid_if_match")
            #expect(try await api.put("/api/artists/\(UUID())", ["name": "X", "version": 1]).status == .notFound)

            #expect(try await api.delete("/api/artists/\(id)").status == .noContent)
            #expect(try await api.get("/api/artists/\(id)").status == .notFound)
            #expect(try await api.delete("/api/artists/\(id)").status == .notFound)
        }
    }

    @Test func badFieldsAnswer422NamingThemAndMalformedBodies400() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let missing = try await api.post("/api/artists", ["city": "Utrecht"])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorFields == ["name"])
            let manyGenres: [JSONValue] = (0..<21).map { _ in .uuid(UUID()) }
            let bad = try await api.post("/api/artists", [
                "name": "  ", "kind": "choir", "status": "gone", "email": "not-an-email", "phone": "call me",
                "website": "ftp://files.example", "imageUrl": "just text", "city": .string(String(repeating: "x", count: 101)),
                "genreIds": .array(manyGenres),
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["name", "kind", "status", "email", "phone", "website", "imageUrl", "city", "genreIds"])
            let rock = try #require(try await ArtistFixtures.genres(api)["rock"])
            let twice = try await api.post("/api/artists", ["name": "A", "genreIds": [.uuid(rock), .uuid(rock)]])
            #expect(twice.errorFields == ["genreIds"])
            // References are checked by the database's foreign keys and reported on the field.
            let unknownGenre = try await api.post("/api/artists", ["name": "A", "genreIds": [.uuid(UUID())]])
            #expect(unknownGenre.status == .unprocessableContent && unknownGenre.errorFields == ["genreIds"])
            let unknownCountry = try await api.post("/api/artists", ["name": "A", "countryId": .uuid(UUID())])
            #expect(unknownCountry.status == .unprocessableContent && unknownCountry.errorFields == ["countryId"])
            #expect(try await api.get("/api/artists").json["total"] == 0, "nothing was written")

            #expect(try await api.request(.post, "/api/artists", rawBody: "{\"name\":").status == .badRequest)
            #expect(try await api.post("/api/artists", ["name": "A", "countryId": "NL"]).errorCode == "invalid_body")
            #expect(try await api.post("/api/artists", ["name": 7]).status == .badRequest)
            let id = try await ArtistFixtures.create(api, "Valid")
            #expect(try await api.put("/api/artists/\(id)", ["name": "A", "version": 0]).errorFields == ["version"])
            #expect(try await api.put("/api/artists/\(id)", ["name": "A", "version": 1.5]).status == .badRequest)
        }
    }

    @Test func anArtistOnARosterCannotBeDeletedAndItsChildrenCascade() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let id = try await ArtistFixtures.create(api, "Rostered")
            try await ArtistFixtures.putOnRoster(env, company: env.companyA, artist: id)
            let contact = try await api.post("/api/artists/\(id)/contacts", ["name": "Manager", "role": "manager"])
            #expect(contact.status == .created)
            let link = try await api.post("/api/artists/\(id)/platforms", ["platform": "spotify", "url": "https://open.spotify.com/artist/1"])
            let linkID = try ArtistFixtures.uuid(link.json["id"])
            #expect(try await api.post("/api/artists/\(id)/platforms/\(linkID)/stats", ["followers": 10]).status == .created)

            let refused = try await api.delete("/api/artists/\(id)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "artist_in_use")
            #expect(refused.json["error"]?["info"]?["rosterEntries"] == 1)
            #expect(try await api.get("/api/artists/\(id)").status == .ok)

            try await env.harness.database.query("DELETE FROM roster_entries WHERE artist_id = \(id)")
            #expect(try await api.delete("/api/artists/\(id)").status == .noContent)
            let left = try await env.harness.database.query("""
                SELECT (SELECT count(*) FROM artist_contacts WHERE artist_id = \(id))
                     + (SELECT count(*) FROM artist_platforms WHERE artist_id = \(id))
                     + (SELECT count(*) FROM artist_platform_stats WHERE platform_id = \(linkID))
                """).count()
            #expect(left == 0, "contacts, links and snapshots go with the artist")
        }
    }

    @Test func eachOperationNeedsItsPermission() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let id = try await ArtistFixtures.create(env.a, "Guarded")
            let reader = env.a(permissions: ["basic.artists.read"])
            #expect(try await reader.get("/api/artists/\(id)").status == .ok)
            #expect(try await reader.get("/api/artists").status == .ok)
            let writes: [TestResponse] = [
                try await reader.post("/api/artists", ["name": "No"]),
                try await reader.put("/api/artists/\(id)", ["name": "No", "version": 1]),
                try await reader.delete("/api/artists/\(id)"),
                try await reader.post("/api/artists/\(id)/bio", ["resJson": [:]]),
                try await reader.post("/api/artists/\(id)/contacts", ["name": "No"]),
                try await reader.post("/api/artists/\(id)/platforms", ["platform": "x", "url": "https://x.com/no"]),
            ]
            for response in writes {
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "permission_denied")
            }
            let nobody = env.a(permissions: [])
            for path in ["/api/artists", "/api/artists/search?q=guarded", "/api/artists/discover", "/api/artists/\(id)",
                         "/api/artists/\(id)/similar", "/api/artists/\(id)/bio", "/api/artists/\(id)/contacts",
                         "/api/artists/\(id)/platforms"] {
                #expect(try await nobody.get(path).errorCode == "permission_denied", "\(path)")
            }
            #expect(try await env.a(permissions: ArtistFixtures.permissions, modules: ["venue"]).get("/api/artists").errorCode == "module_disabled")
        }
    }

    @Test func anotherCompanysArtistIsNotFound() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let id = try await ArtistFixtures.create(env.a, "Theirs")
            let b = env.b
            for path in ["/api/artists/\(id)", "/api/artists/\(id)/similar", "/api/artists/\(id)/bio", "/api/artists/\(id)/contacts",
                         "/api/artists/\(id)/platforms"] {
                #expect(try await b.get(path).status == .notFound, "\(path)")
            }
            #expect(try await b.put("/api/artists/\(id)", ["name": "Mine now", "version": 1]).status == .notFound)
            #expect(try await b.delete("/api/artists/\(id)").status == .notFound)
            #expect(try await b.post("/api/artists/\(id)/bio", ["resJson": [:]]).status == .notFound)
            #expect(try await b.post("/api/artists/\(id)/contacts", ["name": "Spy"]).status == .notFound)
            #expect(try await b.post("/api/artists/\(id)/platforms", ["platform": "x", "url": "https://x.com/spy"]).status == .notFound)
            #expect(try await b.get("/api/artists").json["total"] == 0)
            #expect(try await b.get("/api/artists/search?q=theirs").json["total"] == 0)
            #expect(try await b.get("/api/artists/not-a-uuid").status == .notFound)
            #expect(try await env.a.get("/api/artists/\(id)").json["name"] == "Theirs", "untouched")
        }
    }

    /// The spec's `POST /api/artists/{id}/bio` with `{"resJson": {}}`.
    @Test func theBioIsSavedAndReadBack() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let id = try await ArtistFixtures.create(api, "Storyteller")
            let empty = try await api.get("/api/artists/\(id)/bio")
            #expect(empty.status == .ok)
            #expect(empty.json["resJson"] == .null && empty.json["text"] == .null && empty.json["updatedAt"] == .null)

            #expect(try await api.post("/api/artists/\(id)/bio", ["resJson": [:]]).json["resJson"] == [:])
            let document: JSONValue = ["blocks": [["type": "paragraph", "text": "Born in Utrecht."]], "language": "en"]
            let saved = try await api.post("/api/artists/\(id)/bio", ["resJson": document, "text": "Born in Utrecht."])
            #expect(saved.status == .ok)
            #expect(saved.json["resJson"] == document)
            #expect(saved.json["text"] == "Born in Utrecht.")
            #expect(saved.json["updatedAt"]?.stringValue != nil)
            #expect(try await api.get("/api/artists/\(id)/bio").json["resJson"]?["language"] == "en")

            // Left out, the text stays; null clears it. The artist's version is not the bio's.
            #expect(try await api.post("/api/artists/\(id)/bio", ["resJson": ["v": 2]]).json["text"] == "Born in Utrecht.")
            #expect(try await api.post("/api/artists/\(id)/bio", ["resJson": ["v": 3], "text": nil]).json["text"] == .null)
            #expect(try await api.get("/api/artists/\(id)").json["version"] == 1)

            #expect(try await api.post("/api/artists/\(id)/bio", ["text": "no document"]).errorFields == ["resJson"])
            #expect(try await api.post("/api/artists/\(id)/bio", ["resJson": [1, 2]]).errorFields == ["resJson"])
            let huge: JSONValue = ["text": .string(String(repeating: "a", count: 70_000))]
            #expect(try await api.post("/api/artists/\(id)/bio", ["resJson": huge]).errorFields == ["resJson"])
            let longText = String(repeating: "b", count: 20_001)
            #expect(try await api.post("/api/artists/\(id)/bio", ["resJson": [:], "text": .string(longText)]).errorFields == ["text"])
            #expect(try await api.post("/api/artists/\(UUID())/bio", ["resJson": [:]]).status == .notFound)
        }
    }
}
