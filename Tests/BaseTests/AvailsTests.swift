import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 9, "Avails and holds": "an avail is an artist's date hold with a rank (1st hold, 2nd hold, …); two holds
/// on the same artist and date get consecutive ranks; releasing or converting the first promotes the next
/// automatically, in one transaction." Ranks, promotion, confirmation and date moves.
@Suite("Base avails")
struct AvailsTests {
    @Test func holdsOnOneDayGetConsecutiveRanksAndOthersDaysStartAtOne() async throws {
        try await withAvails { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Rank Band")
            let other = try await api.makeAvailArtist("Other Band")
            let first = try await api.post("/api/avails", [
                "artistId": .string(artist.uuidString), "date": "2027-06-12", "venueName": " Paradiso ", "city": "Amsterdam",
                "promoterName": "Mojo", "expiresOn": "2027-05-01", "notes": "first ask",
            ])
            #expect(first.status == .created)
            #expect(first.json["rank"] == 1)
            #expect(first.json["status"] == "hold")
            #expect(first.json["venueName"] == "Paradiso")
            #expect(first.json["artistName"] == "Rank Band")
            #expect(first.json["expiresOn"] == "2027-05-01")
            #expect(first.json["countryId"] == .null)
            #expect(try await api.hold(artist, "2027-06-12").rank == 2)
            #expect(try await api.hold(artist, "2027-06-12").rank == 3)
            #expect(try await api.hold(artist, "2027-06-13").rank == 1)
            #expect(try await api.hold(other, "2027-06-12").rank == 1)

            let list = try await api.get("/api/avails?artistId=\(artist)")
            #expect(list.json["total"] == 4)
            #expect(list.json["items"]?.arrayValue?.map { $0["rank"]?.int } == [1, 2, 3, 1])
            #expect(try await api.get("/api/avails?from=2027-06-13").json["total"] == 1)
            #expect(try await api.get("/api/avails?to=2027-06-12").json["total"] == 4)
            #expect(try await api.get("/api/avails?city=AMSTERDAM").json["total"] == 1)
            #expect(try await api.get("/api/avails?status=hold&limit=2&page=3").json["items"]?[0]?["artistName"] == "Rank Band")
            let read = try await api.get("/api/avails/\(try #require(first.json["id"]?.uuid))")
            #expect(read.status == .ok)
            #expect(read.json["promoterName"] == "Mojo")
        }
    }

    @Test func releasingConvertingOrDeletingAHoldPromotesTheHoldsBehindIt() async throws {
        try await withAvails { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Queue")
            let day = "2027-09-01"
            let one = try await api.hold(artist, day).id
            let two = try await api.hold(artist, day).id
            let three = try await api.hold(artist, day).id
            let four = try await api.hold(artist, day).id

            let released = try await api.put("/api/avails/\(one)", ["date": .string(day), "status": "released"])
            #expect(released.status == .ok)
            #expect(released.json["rank"] == .null)
            #expect(try await api.ranks(artist) == [two: 1, three: 2, four: 3])

            // Converting the second of three promotes only the one behind it.
            #expect(try await api.put("/api/avails/\(three)", ["date": .string(day), "status": "converted"]).json["status"] == "converted")
            #expect(try await api.ranks(artist) == [two: 1, four: 2])

            #expect(try await api.delete("/api/avails/\(two)").status == .noContent)
            #expect(try await api.ranks(artist) == [four: 1])
            #expect(try await api.get("/api/avails/\(two)").status == .notFound)
            #expect(try await api.delete("/api/avails/\(two)").status == .notFound)
            // The next hold queues behind the survivors.
            #expect(try await api.hold(artist, day).rank == 2)
            #expect(try await api.get("/api/avails?status=released").json["total"] == 1)
        }
    }

    @Test func onlyTheFirstHoldCanBeConfirmedAndClosedAvailsAreFinal() async throws {
        try await withAvails { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Confirmer")
            let day = "2027-10-10"
            let one = try await api.hold(artist, day).id
            let two = try await api.hold(artist, day).id
            let notFirst = try await api.put("/api/avails/\(two)", ["date": .string(day), "status": "confirmed"])
            #expect(notFirst.status == .conflict)
            #expect(notFirst.errorCode == "not_first_hold")
            #expect(notFirst.json["error"]?["info"]?["firstAvailId"]?.uuid == one)

            let confirmed = try await api.put("/api/avails/\(one)", ["date": .string(day), "status": "confirmed", "notes": "signed"])
            #expect(confirmed.status == .ok)
            #expect(confirmed.json["status"] == "confirmed")
            #expect(confirmed.json["rank"] == 1)
            // Left out, the status stays; a confirmed hold cannot go back to hold.
            #expect(try await api.put("/api/avails/\(one)", ["date": .string(day)]).json["status"] == "confirmed")
            let back = try await api.put("/api/avails/\(one)", ["date": .string(day), "status": "hold"])
            #expect(back.errorCode == "invalid_status_transition")
            #expect(back.json["error"]?["info"]?["allowed"] == ["released", "converted"])
            // A confirmed hold cannot move onto a day where it would not be first.
            let blocked = try await api.hold(artist, "2027-10-11").id
            #expect(try await api.put("/api/avails/\(one)", ["date": "2027-10-11"]).errorCode == "not_first_hold")

            #expect(try await api.put("/api/avails/\(one)", ["date": .string(day), "status": "released"]).status == .ok)
            #expect(try await api.ranks(artist) == [two: 1, blocked: 1])
            let reopen = try await api.put("/api/avails/\(one)", ["date": .string(day), "status": "hold"])
            #expect(reopen.status == .conflict)
            #expect(reopen.errorCode == "avail_closed")
            #expect(reopen.json["error"]?["info"]?["allowed"] == [])
            // A closed avail keeps its notes editable but never re-enters a queue.
            let edited = try await api.put("/api/avails/\(one)", ["date": "2027-10-12", "notes": "moved after release"])
            #expect(edited.json["rank"] == .null)
            #expect(edited.json["status"] == "released")
            #expect(try await api.put("/api/avails/\(two)", ["date": .string(day), "status": "confirmed"]).json["rank"] == 1)
        }
    }

    @Test func movingAnAvailsDateReranksBothDays() async throws {
        try await withAvails { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Mover")
            let a1 = try await api.hold(artist, "2027-11-01").id
            let a2 = try await api.hold(artist, "2027-11-01").id
            let a3 = try await api.hold(artist, "2027-11-01").id
            let b1 = try await api.hold(artist, "2027-11-02").id
            let moved = try await api.put("/api/avails/\(a1)", ["date": "2027-11-02", "city": "Berlin"])
            #expect(moved.status == .ok)
            #expect(moved.json["date"] == "2027-11-02")
            #expect(moved.json["rank"] == 2)
            #expect(moved.json["city"] == "Berlin")
            #expect(try await api.ranks(artist) == [a2: 1, a3: 2, b1: 1, a1: 2])
            // Staying on its day keeps the rank.
            #expect(try await api.put("/api/avails/\(a3)", ["date": "2027-11-01", "notes": "same day"]).json["rank"] == 2)
        }
    }

    @Test func holdsCreatedAtOnceOnOneDayGetDistinctConsecutiveRanks() async throws {
        try await withAvails { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Popular")
            let ranks = try await withThrowingTaskGroup(of: Int?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await api.post("/api/avails", ["artistId": .string(artist.uuidString), "date": "2028-01-01"])
                        return response.status == .created ? response.json["rank"]?.int : nil
                    }
                }
                var ranks: [Int?] = []
                for try await rank in group { ranks.append(rank) }
                return ranks
            }
            #expect(ranks.compactMap { $0 }.sorted() == Array(1...8))
            // Releasing several at once still leaves 1..n.
            let items = try await api.get("/api/avails?artistId=\(artist)").json["items"]?.arrayValue ?? []
            let ids = items.compactMap { $0["id"]?.uuid }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in ids.prefix(3) {
                    group.addTask { _ = try await api.put("/api/avails/\(id)", ["date": "2028-01-01", "status": "released"]) }
                }
                try await group.waitForAll()
            }
            #expect(try await api.ranks(artist).values.sorted() == Array(1...5))
        }
    }
}

/// Members hold the avails' and the artists' permissions (artists are created through `POST /api/artists`).
func withAvails(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: allAvailTestPermissions, module: BasePermission.module, body)
}

let allAvailTestPermissions = [BasePermission.availsRead, BasePermission.availsWrite, BasePermission.artistsRead, BasePermission.artistsWrite,
                               BasePermission.agenciesRead, BasePermission.agenciesWrite]

extension APITestClient {
    func makeAvailArtist(_ name: String) async throws -> UUID {
        let response = try await post("/api/artists", ["name": .string(name)])
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating artist \(name) answered \(response.status): \(response.text)")
        }
        return id
    }

    /// A new hold: its id and the rank it got.
    func hold(_ artist: UUID, _ date: String) async throws -> (id: UUID, rank: Int?) {
        let response = try await post("/api/avails", ["artistId": .string(artist.uuidString), "date": .string(date)])
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("holding \(date) answered \(response.status): \(response.text)")
        }
        return (id, response.json["rank"]?.int)
    }

    /// The active avails of the artist by id, with their ranks.
    func ranks(_ artist: UUID) async throws -> [UUID: Int] {
        var result: [UUID: Int] = [:]
        for item in try await get("/api/avails?artistId=\(artist)&limit=200").json["items"]?.arrayValue ?? [] {
            if let id = item["id"]?.uuid, let rank = item["rank"]?.int { result[id] = rank }
        }
        return result
    }
}
