import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8: "roster membership with dates and roles" — the agency's side (`GET/POST /api/agencies/{id}/roster`,
/// `PUT/DELETE /api/agencies/{id}/roster/{rosterId}`): an artist holds a role on a roster once at a time, and an
/// entry of another agency is not this agency's (404).
@Suite("Base agency roster")
struct AgenciesRosterTests {
    static let past = ("2001-01-01", "2001-12-31")
    static let future = "2999-01-01"

    @Test func artistsAreAddedWithRoleDatesAndAnActiveFlagForToday() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let agency = try await api.makeAgency("Roster Agency")
            let alma = try await rosterFixtureArtist(clients, name: "Alma")
            let zed = try await rosterFixtureArtist(clients, name: "Zed")
            let today = CalendarDate.today()
            let current = try await api.post("/api/agencies/\(agency)/roster", [
                "artistId": .string(zed.uuidString), "role": "booking", "territory": "Europe", "startsOn": .string(today),
                "notes": "Exclusive",
            ])
            #expect(current.status == .created)
            #expect(current.json["artistName"] == "Zed")
            #expect(current.json["agencyId"]?.uuid == agency)
            #expect(current.json["agencyName"] == "Roster Agency")
            #expect(current.json["startsOn"]?.stringValue == today)
            #expect(current.json["endsOn"] == .null)
            #expect(current.json["active"] == true)
            let ended = try await api.post("/api/agencies/\(agency)/roster", [
                "artistId": .string(alma.uuidString), "role": "management", "startsOn": .string(Self.past.0), "endsOn": .string(Self.past.1),
            ])
            #expect(ended.json["active"] == false)
            let upcoming = try await api.post("/api/agencies/\(agency)/roster", [
                "artistId": .string(alma.uuidString), "role": "booking", "startsOn": .string(Self.future),
            ])
            #expect(upcoming.json["active"] == false)

            let all = try await api.get("/api/agencies/\(agency)/roster")
            #expect(all.status == .ok)
            #expect(all.json["total"] == 3)
            // By artist name, then role.
            let order = all.json["items"]?.arrayValue?.map { "\($0["artistName"]?.stringValue ?? "")/\($0["role"]?.stringValue ?? "")" }
            #expect(order == ["Alma/booking", "Alma/management", "Zed/booking"])
            #expect(try await api.get("/api/agencies/\(agency)/roster?active=true").json["items"]?.arrayValue?.map { $0["artistName"] } == ["Zed"])
            #expect(try await api.get("/api/agencies/\(agency)/roster?active=false").json["total"] == 2)
            #expect(try await api.get("/api/agencies/\(agency)/roster?role=management").json["total"] == 1)
            #expect(try await api.get("/api/agencies/\(agency)/roster?limit=2&page=2").json["items"]?.arrayValue?.count == 1)
            #expect(try await api.get("/api/agencies/\(agency)").json["rosterCount"] == 3)

            let entry = try #require(current.json["id"]?.uuid)
            let replaced = try await api.put("/api/agencies/\(agency)/roster/\(entry)", [
                "artistId": .string(zed.uuidString), "role": "booking", "endsOn": .string(Self.past.1),
            ])
            #expect(replaced.status == .ok)
            #expect(replaced.json["territory"] == .null)
            #expect(replaced.json["startsOn"] == .null)
            #expect(replaced.json["active"] == false)
            #expect(try await api.delete("/api/agencies/\(agency)/roster/\(entry)").status == .noContent)
            #expect(try await api.delete("/api/agencies/\(agency)/roster/\(entry)").status == .notFound)
            #expect(try await api.get("/api/agencies/\(agency)/roster").json["total"] == 2)
        }
    }

    @Test func theSameRoleOnOverlappingDaysIsAlreadyOnTheRoster() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let agency = try await api.makeAgency("Busy")
            let artist = try await rosterFixtureArtist(clients, name: "Twice")
            let id = JSONValue.string(artist.uuidString)
            #expect(try await api.post("/api/agencies/\(agency)/roster", ["artistId": id, "role": "booking"]).status == .created)
            let again = try await api.post("/api/agencies/\(agency)/roster", ["artistId": id, "role": "booking"])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "already_on_roster")
            // Open-ended dates overlap any later period as well.
            let later = try await api.post("/api/agencies/\(agency)/roster", ["artistId": id, "role": "booking", "startsOn": "2030-01-01"])
            #expect(later.errorCode == "already_on_roster")
            // Another role, or another agency, is another entry.
            #expect(try await api.post("/api/agencies/\(agency)/roster", ["artistId": id, "role": "management"]).status == .created)
            let other = try await api.makeAgency("Other")
            #expect(try await api.post("/api/agencies/\(other)/roster", ["artistId": id, "role": "booking"]).status == .created)
            // Periods that follow each other are fine.
            let periods = try await rosterFixtureArtist(clients, name: "Periods")
            let pid = JSONValue.string(periods.uuidString)
            let first = try await api.post("/api/agencies/\(agency)/roster", ["artistId": pid, "role": "label", "startsOn": "2020-01-01", "endsOn": "2020-12-31"])
            #expect(first.status == .created)
            #expect(try await api.post("/api/agencies/\(agency)/roster", ["artistId": pid, "role": "label", "startsOn": "2021-01-01"]).status == .created)
            let overlapping = try await api.put("/api/agencies/\(agency)/roster/\(try #require(first.json["id"]?.uuid))", [
                "artistId": pid, "role": "label", "startsOn": "2020-01-01", "endsOn": "2021-06-30",
            ])
            #expect(overlapping.errorCode == "already_on_roster")
        }
    }

    @Test func unknownArtistsBadDatesAndMalformedBodiesAreRefused() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let agency = try await api.makeAgency("Careful")
            let unknown = try await api.post("/api/agencies/\(agency)/roster", ["artistId": .string(UUID().uuidString), "role": "booking"])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["artistId"])
            let theirArtist = try await rosterFixtureArtist(clients, name: "Theirs", company: clients.companyB)
            let foreign = try await api.post("/api/agencies/\(agency)/roster", ["artistId": .string(theirArtist.uuidString), "role": "booking"])
            #expect(foreign.errorFields == ["artistId"])

            let artist = JSONValue.string(try await rosterFixtureArtist(clients, name: "Mine").uuidString)
            let backwards = try await api.post("/api/agencies/\(agency)/roster", [
                "artistId": artist, "role": "booking", "startsOn": "2024-05-02", "endsOn": "2024-05-01",
            ])
            #expect(backwards.status == .unprocessableContent)
            #expect(backwards.errorFields == ["endsOn"])
            let bad = try await api.post("/api/agencies/\(agency)/roster", [
                "role": "agent", "startsOn": "2024-02-30", "endsOn": "tomorrow", "territory": .string(String(repeating: "t", count: 201)),
            ])
            #expect(Set(bad.errorFields) == ["artistId", "role", "startsOn", "endsOn", "territory"])
            #expect(try await api.post("/api/agencies/\(agency)/roster", ["artistId": "someone", "role": "booking"]).status == .badRequest)
            #expect(try await api.get("/api/agencies/\(agency)/roster?active=maybe").errorFields == ["active"])
            #expect(try await api.get("/api/agencies/\(agency)/roster?role=agent").errorFields == ["role"])
        }
    }

    @Test func entriesOfAnotherAgencyOrCompanyAreOutOfReach() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let mine = try await api.makeAgency("Mine")
            let sibling = try await api.makeAgency("Sibling")
            let artist = JSONValue.string(try await rosterFixtureArtist(clients, name: "Shared").uuidString)
            let siblingEntry = try #require(try await api.post("/api/agencies/\(sibling)/roster", ["artistId": artist, "role": "booking"]).json["id"]?.uuid)
            #expect(try await api.put("/api/agencies/\(mine)/roster/\(siblingEntry)", ["artistId": artist, "role": "booking"]).status == .notFound)
            #expect(try await api.delete("/api/agencies/\(mine)/roster/\(siblingEntry)").status == .notFound)
            #expect(try await api.get("/api/agencies/\(mine)/roster").json["total"] == 0)

            let theirs = try await clients.b.makeAgency("Theirs")
            #expect(try await api.get("/api/agencies/\(theirs)/roster").status == .notFound)
            #expect(try await api.post("/api/agencies/\(theirs)/roster", ["artistId": artist, "role": "booking"]).status == .notFound)
            #expect(try await api.put("/api/agencies/\(theirs)/roster/\(siblingEntry)", ["artistId": artist, "role": "booking"]).status == .notFound)
            #expect(try await api.get("/api/agencies/\(UUID())/roster").status == .notFound)

            let reader = clients.a(permissions: [BasePermission.agenciesRead])
            #expect(try await reader.get("/api/agencies/\(sibling)/roster").json["total"] == 1)
            #expect(try await reader.post("/api/agencies/\(sibling)/roster", ["artistId": artist, "role": "label"]).errorCode == "permission_denied")
            #expect(try await reader.put("/api/agencies/\(sibling)/roster/\(siblingEntry)", ["artistId": artist, "role": "label"]).errorCode == "permission_denied")
            #expect(try await reader.delete("/api/agencies/\(sibling)/roster/\(siblingEntry)").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: [BasePermission.artistsRead]).get("/api/agencies/\(sibling)/roster").status == .forbidden)
        }
    }
}
