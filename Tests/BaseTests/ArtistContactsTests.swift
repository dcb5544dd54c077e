import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8: "artist contacts, bios, social/streaming platform links …" — the people around an artist.
@Suite("Base artists: contacts")
struct ArtistContactsTests {
    @Test func contactsAreAddedListedReplacedAndRemoved() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let artist = try await ArtistFixtures.create(api, "Managed")
            let base = "/api/artists/\(artist)/contacts"
            let agent = try await api.post(base, ["name": "Zoe Agent", "role": "agent", "email": "zoe@agency.example",
                                                  "company": "Big Agency", "phone": "+44 20 7946 0000"])
            #expect(agent.status == .created)
            #expect(agent.json["artistId"]?.uuid == artist)
            #expect(agent.json["isPrimary"] == false)
            #expect(agent.json["notes"] == .null)
            let manager = try await api.post(base, ["name": "Max Manager", "role": "manager", "isPrimary": true])
            let managerID = try ArtistFixtures.uuid(manager.json["id"])
            let other = try await api.post(base, ["name": "Ann"])
            #expect(other.json["role"] == "other")

            let list = try await api.get(base)
            #expect(list.status == .ok && list.json["total"] == 3)
            let names = (list.json["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(names == ["Max Manager", "Ann", "Zoe Agent"], "the primary contact first, then by name")
            #expect(try await api.get("\(base)?limit=1&page=2").json["items"]?[0]?["name"] == "Ann")

            // At most one primary contact per artist.
            let second = try await api.post(base, ["name": "Second Primary", "isPrimary": true])
            #expect(second.status == .conflict && second.errorCode == "primary_contact_exists")

            // PUT replaces: what is left out is cleared.
            let agentID = try ArtistFixtures.uuid(agent.json["id"])
            let replaced = try await api.put("\(base)/\(agentID)", ["name": "Zoe Agent", "role": "publicist", "notes": "Prefers e-mail"])
            #expect(replaced.status == .ok)
            #expect(replaced.json["role"] == "publicist" && replaced.json["notes"] == "Prefers e-mail")
            #expect(replaced.json["email"] == .null && replaced.json["company"] == .null)
            #expect(try await api.put("\(base)/\(agentID)", ["name": "Zoe", "isPrimary": true]).errorCode == "primary_contact_exists")
            #expect(try await api.put("\(base)/\(managerID)", ["name": "Max Manager", "isPrimary": false]).status == .ok)
            #expect(try await api.put("\(base)/\(agentID)", ["name": "Zoe", "isPrimary": true]).json["isPrimary"] == true)

            #expect(try await api.delete("\(base)/\(agentID)").status == .noContent)
            #expect(try await api.delete("\(base)/\(agentID)").status == .notFound)
            #expect(try await api.get(base).json["total"] == 2)
        }
    }

    @Test func badContactsAre422AndStrangersGet404() async throws {
        try await ArtistFixtures.withCompanies { env async throws in
            let api = env.a
            let artist = try await ArtistFixtures.create(api, "Guarded")
            let base = "/api/artists/\(artist)/contacts"
            let bad = try await api.post(base, ["role": "bodyguard", "email": "nope", "phone": "x", "company": .string(String(repeating: "c", count: 201)),
                                                "notes": .string(String(repeating: "n", count: 5001))])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["name", "role", "email", "phone", "company", "notes"])
            #expect(try await api.post(base, ["name": "A", "isPrimary": "yes"]).status == .badRequest)
            #expect(try await api.get("\(base)?limit=0").errorFields == ["limit"])

            let contact = try ArtistFixtures.uuid(try await api.post(base, ["name": "Real"]).json["id"])
            // A contact is reached only through its own artist and company.
            let otherArtist = try await ArtistFixtures.create(api, "Other")
            #expect(try await api.put("/api/artists/\(otherArtist)/contacts/\(contact)", ["name": "Moved"]).status == .notFound)
            #expect(try await api.delete("/api/artists/\(otherArtist)/contacts/\(contact)").status == .notFound)
            #expect(try await api.get("/api/artists/\(UUID())/contacts").status == .notFound)
            #expect(try await api.post("/api/artists/\(UUID())/contacts", ["name": "Ghost"]).status == .notFound)
            #expect(try await env.b.put("\(base)/\(contact)", ["name": "Mine"]).status == .notFound)
            #expect(try await env.b.delete("\(base)/\(contact)").status == .notFound)
            #expect(try await env.b.get(base).status == .notFound)
            #expect(try await env.a(permissions: ["basic.artists.read"]).put("\(base)/\(contact)", ["name": "X"]).errorCode == "permission_denied")
            #expect(try await env.a(permissions: ["basic.artists.read"]).delete("\(base)/\(contact)").errorCode == "permission_denied")
            #expect(try await api.get(base).json["items"]?[0]?["name"] == "Real")
        }
    }
}
