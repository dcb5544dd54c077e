import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8: "Roster (6)" and "roster membership with dates and roles" — the company's roster across itself and
/// its agencies (`/api/roster`, under the artists' permissions). `GET /api/roster/{id}/avails` is tested
/// with the avails (`AvailsShowsTests`).
@Suite("Base roster")
struct RosterTests {
    @Test func theCompanysOwnAndItsAgenciesEntriesAreOneRoster() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let agency = try await api.makeAgency("Partner Agency")
            let mia = try await rosterFixtureArtist(clients, name: "Mia Loud")
            let noah = try await rosterFixtureArtist(clients, name: "Noah Quiet")
            let own = try await api.post("/api/roster", ["artistId": .string(mia.uuidString), "role": "management", "territory": "Worldwide"])
            #expect(own.status == .created)
            let ownID = try #require(own.json["id"]?.uuid)
            #expect(own.json["agencyId"] == .null)
            #expect(own.json["agencyName"] == .null)
            #expect(own.json["artistName"] == "Mia Loud")
            #expect(own.json["active"] == true)
            let viaAgency = try await api.post("/api/roster", [
                "artistId": .string(noah.uuidString), "agencyId": .string(agency.uuidString), "role": "booking", "endsOn": "2001-01-01",
            ])
            #expect(viaAgency.status == .created)
            #expect(viaAgency.json["agencyName"] == "Partner Agency")
            #expect(viaAgency.json["active"] == false)
            try await api.post("/api/roster", ["artistId": .string(noah.uuidString), "agencyId": nil, "role": "label"])

            #expect(try await api.get("/api/roster").json["total"] == 3)
            #expect(try await api.get("/api/roster?agencyId=\(agency)").json["items"]?[0]?["artistName"] == "Noah Quiet")
            #expect(try await api.get("/api/roster?agencyId=none").json["total"] == 2)
            #expect(try await api.get("/api/roster?own=true").json["total"] == 2)
            #expect(try await api.get("/api/roster?own=false").json["total"] == 1)
            #expect(try await api.get("/api/roster?agencyId=none&own=false").json["total"] == 0)
            #expect(try await api.get("/api/roster?artistId=\(noah)").json["total"] == 2)
            #expect(try await api.get("/api/roster?role=label").json["items"]?[0]?["artistName"] == "Noah Quiet")
            #expect(try await api.get("/api/roster?active=true").json["total"] == 2)
            #expect(try await api.get("/api/roster?q=LOUD").json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [ownID])
            #expect(try await api.get("/api/roster?limit=1&page=2").json["items"]?[0]?["artistName"] == "Noah Quiet")
            // The agency's own view of its roster holds the entry made here.
            #expect(try await api.get("/api/agencies/\(agency)/roster").json["total"] == 1)

            let read = try await api.get("/api/roster/\(ownID)")
            #expect(read.status == .ok)
            #expect(read.json["territory"] == "Worldwide")

            // PUT names the roster; moving the entry to the agency.
            let moved = try await api.put("/api/roster/\(ownID)", [
                "artistId": .string(mia.uuidString), "agencyId": .string(agency.uuidString), "role": "management",
            ])
            #expect(moved.status == .ok)
            #expect(moved.json["agencyId"]?.uuid == agency)
            #expect(moved.json["territory"] == .null)
            #expect(try await api.get("/api/roster?own=true").json["total"] == 1)

            #expect(try await api.delete("/api/roster/\(ownID)").status == .noContent)
            #expect(try await api.get("/api/roster/\(ownID)").status == .notFound)
            #expect(try await api.delete("/api/roster/\(ownID)").status == .notFound)
        }
    }

    @Test func unknownArtistsAndAgenciesAre422OnTheirFieldAndDuplicates409() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let artist = JSONValue.string(try await rosterFixtureArtist(clients, name: "Only").uuidString)
            let unknownAgency = try await api.post("/api/roster", ["artistId": artist, "agencyId": .string(UUID().uuidString), "role": "booking"])
            #expect(unknownAgency.status == .unprocessableContent)
            #expect(unknownAgency.errorFields == ["agencyId"])
            let theirAgency = try await clients.b.makeAgency("Not yours")
            let foreign = try await api.post("/api/roster", ["artistId": artist, "agencyId": .string(theirAgency.uuidString), "role": "booking"])
            #expect(foreign.errorFields == ["agencyId"])
            let theirArtist = try await rosterFixtureArtist(clients, name: "Theirs", company: clients.companyB)
            #expect(try await api.post("/api/roster", ["artistId": .string(theirArtist.uuidString), "role": "booking"]).errorFields == ["artistId"])

            let entry = try #require(try await api.post("/api/roster", ["artistId": artist, "role": "booking"]).json["id"]?.uuid)
            let duplicate = try await api.post("/api/roster", ["artistId": artist, "agencyId": nil, "role": "booking"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.errorCode == "already_on_roster")

            // PUT must name the roster, so leaving agencyId out never moves an entry by accident.
            let noRoster = try await api.put("/api/roster/\(entry)", ["artistId": artist, "role": "booking"])
            #expect(noRoster.status == .unprocessableContent)
            #expect(noRoster.errorFields == ["agencyId"])
            let moveAway = try await api.put("/api/roster/\(entry)", ["artistId": artist, "agencyId": .string(theirAgency.uuidString), "role": "booking"])
            #expect(moveAway.errorFields == ["agencyId"])
            let bad = try await api.post("/api/roster", ["role": "friend", "startsOn": "2025-13-01", "notes": .string(String(repeating: "n", count: 5001))])
            #expect(Set(bad.errorFields) == ["artistId", "role", "startsOn", "notes"])
            #expect(try await api.post("/api/roster", ["artistId": artist, "role": "booking", "agencyId": 7]).status == .badRequest)
            #expect(try await api.get("/api/roster?agencyId=nobody").errorFields == ["agencyId"])
            #expect(try await api.get("/api/roster?agencyId=NONE").errorFields == ["agencyId"])
            #expect(try await api.get("/api/roster?own=yes").errorFields == ["own"])
            #expect(try await api.get("/api/roster?q=\(String(repeating: "q", count: 201))").errorFields == ["q"])
        }
    }

    @Test func theRosterNeedsTheArtistsPermissions() async throws {
        try await withAgencies { clients in
            let artist = JSONValue.string(try await rosterFixtureArtist(clients, name: "Guarded").uuidString)
            let entry = try #require(try await clients.a.post("/api/roster", ["artistId": artist, "role": "booking"]).json["id"]?.uuid)
            let reader = clients.a(permissions: [BasePermission.artistsRead])
            #expect(try await reader.get("/api/roster").status == .ok)
            #expect(try await reader.get("/api/roster/\(entry)").status == .ok)
            #expect(try await reader.post("/api/roster", ["artistId": artist, "role": "label"]).errorCode == "permission_denied")
            #expect(try await reader.put("/api/roster/\(entry)", ["artistId": artist, "agencyId": nil, "role": "label"]).errorCode == "permission_denied")
            #expect(try await reader.delete("/api/roster/\(entry)").errorCode == "permission_denied")
            // The agencies' permissions do not open the company's roster.
            let agencies = clients.a(permissions: [BasePermission.agenciesRead, BasePermission.agenciesWrite])
            #expect(try await agencies.get("/api/roster").errorCode == "permission_denied")
            #expect(try await agencies.get("/api/roster/\(entry)").status == .forbidden)
        }
    }

    @Test func anotherCompanysEntriesAreOutOfReach() async throws {
        try await withAgencies { clients in
            let theirArtist = try await rosterFixtureArtist(clients, name: "Elsewhere", company: clients.companyB)
            let artist = JSONValue.string(theirArtist.uuidString)
            let theirs = try #require(try await clients.b.post("/api/roster", ["artistId": artist, "role": "booking"]).json["id"]?.uuid)
            let a = clients.a
            #expect(try await a.get("/api/roster/\(theirs)").status == .notFound)
            #expect(try await a.put("/api/roster/\(theirs)", ["artistId": artist, "agencyId": nil, "role": "booking"]).status == .notFound)
            #expect(try await a.delete("/api/roster/\(theirs)").status == .notFound)
            #expect(try await a.get("/api/roster").json["total"] == 0)
            #expect(try await a.get("/api/roster?artistId=\(theirArtist)").json["total"] == 0)
            #expect(try await a.get("/api/roster/not-a-uuid").status == .notFound)
            // The entry's avails too.
            #expect(try await a.get("/api/roster/\(theirs)/avails").status == .notFound)
            #expect(try await clients.b.get("/api/roster/\(theirs)").json["artistName"] == "Elsewhere")
        }
    }
}
