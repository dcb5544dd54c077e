import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 9, "Avails (9: holds on an artist's dates, linked shows)": linked shows and their summary, the
/// avails of a roster entry, the user's avails, and the rules every route keeps (422 / 400 / 403 / 404).
@Suite("Base avails: shows, roster, access")
struct AvailsShowsTests {
    @Test func showsOfTheAvailsArtistLinkOnceAndAreSummedInOneAnswer() async throws {
        try await withAvails { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Linked")
            let stranger = try await api.makeAvailArtist("Stranger")
            let avail = try await api.hold(artist, "2026-03-01").id
            let played = try await api.show(artist, ["performedOn": "2026-03-01", "status": "played", "capacity": 1000, "ticketsSold": 800,
                                                     "grossMinor": 2_000_000, "grossCurrency": "EUR", "feeMinor": 500_000, "feeCurrency": "EUR"])
            let second = try await api.show(artist, ["performedOn": "2026-03-02", "status": "played", "ticketsSold": 150,
                                                     "grossMinor": 300_000, "grossCurrency": "GBP", "feeMinor": 100_000, "feeCurrency": "EUR"])
            let cancelled = try await api.show(artist, ["performedOn": "2026-03-03", "status": "cancelled", "ticketsSold": 10,
                                                        "grossMinor": 999, "grossCurrency": "EUR"])
            let theirs = try await api.show(stranger, ["performedOn": "2026-03-01", "status": "played"])

            let linked = try await api.post("/api/avails/\(avail)/shows", ["showId": .string(played.uuidString)])
            #expect(linked.status == .created)
            #expect(linked.json["id"]?.uuid == played)
            #expect(try await api.post("/api/avails/\(avail)/shows", ["showId": .string(second.uuidString)]).status == .created)
            #expect(try await api.post("/api/avails/\(avail)/shows", ["showId": .string(cancelled.uuidString)]).status == .created)
            let again = try await api.post("/api/avails/\(avail)/shows", ["showId": .string(played.uuidString)])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "show_already_linked")
            #expect(try await api.post("/api/avails/\(avail)/shows", ["showId": .string(theirs.uuidString)]).errorFields == ["showId"])
            #expect(try await api.post("/api/avails/\(avail)/shows", ["showId": .string(UUID().uuidString)]).errorFields == ["showId"])
            #expect(try await api.post("/api/avails/\(avail)/shows", [:]).errorFields == ["showId"])
            #expect(try await api.post("/api/avails/\(avail)/shows", ["showId": "nope"]).status == .badRequest)
            #expect(try await api.post("/api/avails/\(UUID())/shows", ["showId": .string(played.uuidString)]).status == .notFound)

            let shows = try await api.get("/api/avails/\(avail)/shows")
            #expect(shows.json["total"] == 3)
            #expect(shows.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [cancelled, second, played])

            let summary = try await api.get("/api/avails/\(avail)/shows-summary")
            #expect(summary.status == .ok)
            #expect(summary.json["showCount"] == 3)
            #expect(summary.json["playedCount"] == 2)
            #expect(summary.json["cancelledCount"] == 1)
            #expect(summary.json["scheduledCount"] == 0)
            #expect(summary.json["ticketsSold"] == 950)
            #expect(summary.json["grossTotals"] == [["currency": "EUR", "amountMinor": 2_000_000], ["currency": "GBP", "amountMinor": 300_000]])
            #expect(summary.json["feeTotals"] == [["currency": "EUR", "amountMinor": 600_000]])

            // An avail without links answers zeros, not 404; deleting the show drops its link.
            let empty = try await api.hold(artist, "2026-04-01").id
            #expect(try await api.get("/api/avails/\(empty)/shows").json["total"] == 0)
            #expect(try await api.get("/api/avails/\(empty)/shows-summary").json["grossTotals"] == [])
            #expect(try await api.delete("/api/artists/\(artist)/historical/\(played)").status == .noContent)
            #expect(try await api.get("/api/avails/\(avail)/shows-summary").json["showCount"] == 2)
            // Deleting the avail takes its links, not the shows.
            #expect(try await api.delete("/api/avails/\(avail)").status == .noContent)
            #expect(try await api.get("/api/artists/\(artist)/historical").json["total"] == 2)
        }
    }

    @Test func aRosterEntryListsItsArtistsAvailsWithinItsPeriod() async throws {
        try await withAvails { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Rostered")
            let agency = try await api.makeAgency("Holds Agency")
            for day in ["2026-01-31", "2026-02-01", "2026-06-30", "2026-07-01"] { _ = try await api.hold(artist, day) }
            _ = try await api.hold(try await api.makeAvailArtist("Not on it"), "2026-03-01")
            let bounded = try #require(try await api.post("/api/roster", [
                "artistId": .string(artist.uuidString), "agencyId": .string(agency.uuidString), "role": "booking",
                "startsOn": "2026-02-01", "endsOn": "2026-06-30",
            ]).json["id"]?.uuid)
            let open = try #require(try await api.post("/api/roster", [
                "artistId": .string(artist.uuidString), "role": "management", "startsOn": "2026-06-30",
            ]).json["id"]?.uuid)
            let inPeriod = try await api.get("/api/roster/\(bounded)/avails")
            #expect(inPeriod.status == .ok)
            #expect(inPeriod.json["items"]?.arrayValue?.map { $0["date"]?.stringValue } == ["2026-02-01", "2026-06-30"])
            #expect(try await api.get("/api/roster/\(open)/avails").json["total"] == 2)
            #expect(try await api.get("/api/roster/\(bounded)/avails?limit=1&page=2").json["items"]?[0]?["date"] == "2026-06-30")
            // The same period through the list's agency filter.
            #expect(try await api.get("/api/avails?rosterAgencyId=\(agency)").json["total"] == 2)

            #expect(try await api.get("/api/roster/\(UUID())/avails").status == .notFound)
            #expect(try await api.get("/api/roster/\(bounded)/avails?limit=0").status == .badRequest)
            let artistsOnly = clients.a(permissions: [BasePermission.artistsRead])
            #expect(try await artistsOnly.get("/api/roster/\(bounded)/avails").status == .ok)
            #expect(try await clients.a(permissions: [BasePermission.availsRead]).get("/api/roster/\(bounded)/avails").status == .forbidden)
            #expect(try await clients.b.get("/api/roster/\(bounded)/avails").status == .notFound)
        }
    }

    @Test func theUsersAvailsAreTheOnesTheyCreated() async throws {
        try await withAvails { clients in
            let artist = try await clients.a.makeAvailArtist("Mine")
            _ = try await clients.a.hold(artist, "2026-05-01")
            let colleague = clients.harness.member(of: clients.companyA, permissions: allAvailTestPermissions, modules: [BasePermission.module])
            let other = APITestClient(clients.raw, token: colleague.token, org: clients.companyA)
            let theirs = try await other.post("/api/avails", ["artistId": .string(artist.uuidString), "date": "2026-05-01"])
            #expect(theirs.json["createdBy"]?.uuid == colleague.user)
            #expect(theirs.json["rank"] == 2)
            #expect(try await clients.a.get("/api/avails/user").json["total"] == 1)
            let byColleague = try await clients.a.get("/api/avails/user?userId=\(colleague.user)")
            #expect(byColleague.json["items"]?.arrayValue?.map { $0["rank"]?.int } == [2])
            #expect(try await other.get("/api/avails/user").json["total"] == 1)
            #expect(try await clients.a.get("/api/avails/user?userId=x").errorFields == ["userId"])
            #expect(try await clients.b.get("/api/avails/user?userId=\(colleague.user)").json["total"] == 0)
        }
    }

    @Test func badBodiesAre422OrMalformed400() async throws {
        try await withAvails { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Strict")
            let missing = try await api.post("/api/avails", [:])
            #expect(missing.status == .unprocessableContent)
            #expect(Set(missing.errorFields) == ["artistId", "date"])
            let bad = try await api.post("/api/avails", [
                "artistId": .string(artist.uuidString), "date": "2027-02-30", "venueName": " ", "city": .string(String(repeating: "c", count: 101)),
                "promoterName": .string(String(repeating: "p", count: 201)), "notes": .string(String(repeating: "n", count: 5001)),
                "expiresOn": "1899-12-31",
            ])
            #expect(Set(bad.errorFields) == ["date", "venueName", "city", "promoterName", "notes", "expiresOn"])
            #expect(try await api.post("/api/avails", ["artistId": .string(artist.uuidString), "date": "2027-02-01", "expiresOn": "2027-02-02"])
                .errorFields == ["expiresOn"])
            let theirArtist = try await clients.b.makeAvailArtist("Theirs")
            #expect(try await api.post("/api/avails", ["artistId": .string(theirArtist.uuidString), "date": "2027-02-01"]).errorFields == ["artistId"])
            #expect(try await api.post("/api/avails", ["artistId": .string(artist.uuidString), "date": "2027-02-01",
                                                       "countryId": .string(UUID().uuidString)]).errorFields == ["countryId"])
            #expect(try await api.post("/api/avails", ["artistId": .string(artist.uuidString), "date": 20270201]).status == .badRequest)
            #expect(try await api.post("/api/avails", ["artistId": "someone", "date": "2027-02-01"]).status == .badRequest)

            let avail = try await api.hold(artist, "2027-02-01").id
            #expect(try await api.put("/api/avails/\(avail)", ["status": "held"]).errorFields.sorted() == ["date", "status"])
            #expect(try await api.put("/api/avails/\(avail)", ["date": "2027-02-01", "status": 1]).status == .badRequest)
            #expect(try await api.get("/api/avails?from=2027-13-01").errorFields == ["from"])
            #expect(try await api.get("/api/avails?status=maybe").errorFields == ["status"])
            #expect(try await api.get("/api/avails?limit=201").errorFields == ["limit"])
            #expect(try await api.get("/api/avails?rosterAgencyId=none").errorFields == ["rosterAgencyId"])
            // Nothing above changed the queue.
            #expect(try await api.ranks(artist) == [avail: 1])
        }
    }

    @Test func availsNeedTheirPermissions() async throws {
        try await withAvails { clients in
            let artist = try await clients.a.makeAvailArtist("Guarded")
            let avail = try await clients.a.hold(artist, "2027-03-01").id
            let reader = clients.a(permissions: [BasePermission.availsRead])
            #expect(try await reader.get("/api/avails").status == .ok)
            #expect(try await reader.get("/api/avails/user").status == .ok)
            #expect(try await reader.get("/api/avails/\(avail)").status == .ok)
            #expect(try await reader.get("/api/avails/\(avail)/shows").status == .ok)
            #expect(try await reader.get("/api/avails/\(avail)/shows-summary").status == .ok)
            #expect(try await reader.post("/api/avails", ["artistId": .string(artist.uuidString), "date": "2027-03-01"]).errorCode == "permission_denied")
            #expect(try await reader.put("/api/avails/\(avail)", ["date": "2027-03-01", "status": "released"]).errorCode == "permission_denied")
            #expect(try await reader.delete("/api/avails/\(avail)").errorCode == "permission_denied")
            #expect(try await reader.post("/api/avails/\(avail)/shows", ["showId": .string(UUID().uuidString)]).errorCode == "permission_denied")
            // The artists' permissions do not open avails.
            let artists = clients.a(permissions: [BasePermission.artistsRead, BasePermission.artistsWrite])
            #expect(try await artists.get("/api/avails").errorCode == "permission_denied")
            #expect(try await artists.get("/api/avails/\(avail)").status == .forbidden)
            #expect(try await clients.a.ranks(artist) == [avail: 1])
        }
    }

    @Test func anotherCompanysAvailsAreOutOfReach() async throws {
        try await withAvails { clients in
            let artist = try await clients.b.makeAvailArtist("Elsewhere")
            let theirs = try await clients.b.hold(artist, "2027-04-01").id
            let show = try await clients.b.show(artist, ["performedOn": "2026-04-01"])
            let a = clients.a
            #expect(try await a.get("/api/avails/\(theirs)").status == .notFound)
            #expect(try await a.put("/api/avails/\(theirs)", ["date": "2027-04-01", "status": "released"]).status == .notFound)
            #expect(try await a.delete("/api/avails/\(theirs)").status == .notFound)
            #expect(try await a.post("/api/avails/\(theirs)/shows", ["showId": .string(show.uuidString)]).status == .notFound)
            #expect(try await a.get("/api/avails/\(theirs)/shows").status == .notFound)
            #expect(try await a.get("/api/avails/\(theirs)/shows-summary").status == .notFound)
            #expect(try await a.get("/api/avails/not-a-uuid").status == .notFound)
            #expect(try await a.get("/api/avails").json["total"] == 0)
            #expect(try await a.get("/api/avails?artistId=\(artist)").json["total"] == 0)
            let still = try await clients.b.get("/api/avails/\(theirs)")
            #expect(still.json["status"] == "hold")
            #expect(still.json["rank"] == 1)
            // An artist with holds cannot be deleted out from under them.
            #expect(try await clients.b.delete("/api/artists/\(artist)").errorCode == "artist_in_use")
        }
    }
}

extension APITestClient {
    /// A show in the artist's history (`POST /api/artists/{id}/historical`).
    func show(_ artist: UUID, _ body: [String: JSONValue]) async throws -> UUID {
        let response = try await post("/api/artists/\(artist)/historical", .object(body))
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("recording a show answered \(response.status): \(response.text)")
        }
        return id
    }
}
