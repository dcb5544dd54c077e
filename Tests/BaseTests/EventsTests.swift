import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9, Events (26 operations; the venue, financials and settlement ones live elsewhere): "Every list has
/// filters, sorting and paging; every route checks token, `x-org`, effective access (503 when unresolved) and a
/// `basic.*` permission; another company's ids answer 404." Lists, search, CRUD with optimistic concurrency,
/// the status machine, duplicate, summary and the CSV export.
@Suite("Base events")
struct EventsTests {
    @Test func createListFilterSearchAndRead() async throws {
        try await withEvents { t in
            let api = t.a
            let band = try await api.makeAvailArtist("Gorillaz")
            let support = try await api.makeAvailArtist("Little Simz")
            let created = try await api.post("/api/events", [
                "name": " Gorillaz live ", "date": "2030-06-12", "doorsTime": "19:00", "showTime": "20:30", "curfewTime": "23:00",
                "timezone": "Europe/Amsterdam", "venueName": "Ziggo Dome", "city": "Amsterdam", "capacity": 17000, "currency": "eur",
                "artists": [["artistId": .string(band.uuidString), "role": "headliner"],
                            ["artistId": .string(support.uuidString), "role": "support", "setTime": "19:45", "setMinutes": 40]],
            ])
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            #expect(created.json["name"] == "Gorillaz live")
            #expect(created.json["status"] == "draft")
            #expect(created.json["currency"] == "EUR")
            #expect(created.json["showTime"] == "20:30")
            #expect(created.json["eventGroupId"] == .null)
            #expect(created.json["artists"]?.arrayValue?.map { $0["artistName"]?.stringValue } == ["Gorillaz", "Little Simz"])
            #expect(created.json["artists"]?[1]?["setTime"] == "19:45")
            let id = try #require(created.json["id"]?.uuid)
            _ = try await api.makeEvent("Past Show", date: "2001-01-01")
            _ = try await api.makeEvent("Held Night", date: "2031-01-01", status: "hold")

            #expect(try await api.get("/api/events?type=all&page=1&limit=20").json["total"] == 3)
            #expect(try await api.get("/api/events?type=upcoming").json["total"] == 2)
            #expect(try await api.get("/api/events?type=past").json["items"]?[0]?["name"] == "Past Show")
            #expect(try await api.get("/api/events?type=draft").json["total"] == 3)
            #expect(try await api.get("/api/events?status=hold").json["items"]?[0]?["name"] == "Held Night")
            #expect(try await api.get("/api/events?artistId=\(support)").json["total"] == 1)
            #expect(try await api.get("/api/events?from=2030-01-01&to=2030-12-31").json["total"] == 1)
            let sorted = try await api.get("/api/events?sort=-date&limit=2&page=1")
            #expect(sorted.json["items"]?.arrayValue?.map { $0["name"]?.stringValue } == ["Held Night", "Gorillaz live"])
            #expect(sorted.json["limit"] == 2)
            #expect(try await api.get("/api/events/search?q=simz").json["items"]?[0]?["id"] == .string(id.uuidString.lowercased()))
            #expect(try await api.get("/api/events/search?q=ziggo").json["total"] == 1)
            #expect(try await api.get("/api/events/search?q=nothing%25").json["total"] == 0)
            #expect(try await api.get("/api/events/search").status == .badRequest)
            let read = try await api.get("/api/events/\(id)")
            #expect(read.status == .ok)
            #expect(read.json["timezone"] == "Europe/Amsterdam")
            #expect(read.json["capacity"] == 17000)
        }
    }

    @Test func validationMalformedPermissionAndOtherCompanies() async throws {
        try await withEvents { t in
            let api = t.a
            let bad = try await api.post("/api/events", [
                "name": " ", "date": "2030-02-30", "doorsTime": "25:00", "timezone": "Mars/Olympus", "currency": "EURO", "capacity": -1,
                "status": "settled", "artists": [["role": "drummer"]],
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields).isSuperset(of: ["name", "date", "doorsTime", "timezone", "currency", "capacity", "status",
                                                         "artists[0].artistId", "artists[0].role"]))
            #expect(try await api.post("/api/events", ["date": "2030-01-01", "currency": "EUR"]).errorFields == ["name"])
            #expect(try await api.request(.post, "/api/events", rawBody: "{\"name\": 1").status == .badRequest)
            #expect(try await api.post("/api/events", ["name": "X", "date": "2030-01-01", "currency": "EUR", "capacity": 1.5]).status == .badRequest)
            #expect(try await api.get("/api/events?type=soon").status == .badRequest)
            #expect(try await api.get("/api/events?artistId=").status == .badRequest)
            let foreignArtist = try await t.b.makeAvailArtist("Not yours")
            let withForeign = try await api.post("/api/events", ["name": "X", "date": "2030-01-01", "currency": "EUR",
                                                                 "artists": [["artistId": .string(foreignArtist.uuidString)]]])
            #expect(withForeign.status == .unprocessableContent)
            #expect(withForeign.errorFields == ["artistId"])

            let id = try await api.makeEvent("Mine", date: "2030-03-03")
            let reader = t.a(permissions: [BasePermission.eventsRead])
            #expect(try await reader.get("/api/events/\(id)").status == .ok)
            #expect(try await reader.post("/api/events", ["name": "X", "date": "2030-01-01", "currency": "EUR"]).status == .forbidden)
            #expect(try await reader.post("/api/events/\(id)/confirm").status == .forbidden)
            #expect(try await reader.delete("/api/events/\(id)").status == .forbidden)
            let nobody = t.a(permissions: [BasePermission.availsRead])
            #expect(try await nobody.get("/api/events").status == .forbidden)
            #expect(try await nobody.get("/api/events/\(id)/summary").status == .forbidden)

            // Company B sees none of A's events.
            #expect(try await t.b.get("/api/events/\(id)").status == .notFound)
            #expect(try await t.b.put("/api/events/\(id)", ["name": "X", "date": "2030-01-01", "currency": "EUR", "version": 1]).status == .notFound)
            #expect(try await t.b.patch("/api/events/\(id)/status", ["status": "hold"]).status == .notFound)
            #expect(try await t.b.post("/api/events/\(id)/cancel").status == .notFound)
            #expect(try await t.b.post("/api/events/\(id)/duplicate", ["date": "2030-04-04"]).status == .notFound)
            #expect(try await t.b.get("/api/events/\(id)/summary").status == .notFound)
            #expect(try await t.b.delete("/api/events/\(id)").status == .notFound)
            #expect(try await t.b.get("/api/events").json["total"] == 0)
            #expect(try await api.get("/api/events/not-a-uuid").status == .notFound)
        }
    }

    /// "Concurrent edits use a version number (`If-Match` or a `version` field) and the loser gets 409, never a
    /// silent overwrite" (the offers' rule, applied to events too).
    @Test func replaceUsesOptimisticConcurrency() async throws {
        try await withEvents { t in
            let api = t.a
            let id = try await api.makeEvent("Versioned", date: "2030-05-05")
            let body: JSONValue = ["name": "Versioned II", "date": "2030-05-06", "currency": "GBP", "showTime": "21:00", "version": 1]
            let first = try await api.put("/api/events/\(id)", body)
            #expect(first.status == .ok)
            #expect(first.json["version"] == 2)
            #expect(first.json["currency"] == "GBP")
            let stale = try await api.put("/api/events/\(id)", body)
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == "version_conflict")
            #expect(stale.json["error"]?["info"]?["currentVersion"] == 2)
            let headerOnly = try await api.request(.put, "/api/events/\(id)", json: ["name": "By header", "date": "2030-05-06", "currency": "GBP"],
                                                   headers: [.ifMatch: "\"2\""])
            #expect(headerOnly.status == .ok)
            #expect(headerOnly.headers[.eTag] == "\"3\"")
            #expect(try await api.put("/api/events/\(id)", ["name": "No version", "date": "2030-05-06", "currency": "GBP"]).errorFields == ["version"])
            let mismatch = try await api.request(.put, "/api/events/\(id)", json: ["name": "X", "date": "2030-05-06", "currency": "GBP", "version": 3],
                                                 headers: [.ifMatch: "\"4\""])
            #expect(mismatch.errorFields == ["version"])
            #expect(try await api.request(.put, "/api/events/\(id)", json: body, headers: [.ifMatch: "abc"]).status == .badRequest)
            // The log holds the changed fields of the first edit.
            let activity = try await api.get("/api/events/\(id)/activity")
            let updated = activity.json["items"]?.arrayValue?.first { $0["action"] == "updated" }
            #expect(updated?["changes"]?["name"]?["to"] == "Versioned II")
            #expect(updated?["changes"]?["event_date"]?["from"] == "2030-05-05")
        }
    }

    @Test func theStatusMachineAllowsOnlyItsTransitions() async throws {
        try await withEvents { t in
            let api = t.a
            let id = try await api.makeEvent("Lifecycle", date: "2030-07-07")
            let illegal = try await api.patch("/api/events/\(id)/status", ["status": "on_sale"])
            #expect(illegal.status == .conflict)
            #expect(illegal.errorCode == "invalid_transition")
            #expect(illegal.json["error"]?["info"]?["allowed"] == ["hold", "confirmed", "cancelled"])
            let confirmed = try await api.post("/api/events/\(id)/confirm")
            #expect(confirmed.json["status"] == "confirmed")
            #expect(confirmed.json["confirmedAt"]?.stringValue != nil)
            #expect(try await api.post("/api/events/\(id)/confirm").errorCode == "invalid_transition")
            #expect(try await api.patch("/api/events/\(id)/status", ["status": "on_sale"]).json["status"] == "on_sale")
            let cancelled = try await api.post("/api/events/\(id)/cancel", ["reason": "Artist ill"])
            #expect(cancelled.json["status"] == "cancelled")
            #expect(cancelled.json["cancellationReason"] == "Artist ill")
            #expect(try await api.patch("/api/events/\(id)/status", ["status": "confirmed"]).json["error"]?["info"]?["allowed"] == ["draft"])
            let reinstated = try await api.patch("/api/events/\(id)/status", ["status": "draft"])
            #expect(reinstated.json["cancellationReason"] == .null)
            #expect(reinstated.json["cancelledAt"] == .null)
            #expect(try await api.patch("/api/events/\(id)/status", ["status": "bogus"]).errorFields == ["status"])
            #expect(try await api.patch("/api/events/\(id)/status", [:]).errorFields == ["status"])
            let actions = try await api.get("/api/events/\(id)/activity").json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
            #expect(actions == ["created", "confirmed", "status_changed", "cancelled", "status_changed"])
            let timeline = try await api.get("/api/events/\(id)/timeline").json["items"]?.arrayValue?.compactMap { $0["kind"]?.stringValue }
            #expect(timeline == ["created", "confirmed", "on_sale", "cancelled", "draft", "event_day"])
        }
    }

    @Test func duplicateSummaryAndDeleteRules() async throws {
        try await withEvents { t in
            let api = t.a
            let band = try await api.makeAvailArtist("Copy Band")
            let id = try await api.makeEvent("Original", date: "2030-08-08", artists: [band])
            let copy = try await api.post("/api/events/\(id)/duplicate", ["date": "2030-08-09"])
            #expect(copy.status == .created)
            #expect(copy.json["date"] == "2030-08-09")
            #expect(copy.json["status"] == "draft")
            #expect(copy.json["artists"]?[0]?["artistName"] == "Copy Band")
            #expect(try await api.post("/api/events/\(id)/duplicate", ["date": "nope"]).errorFields == ["date"])
            let copyID = try #require(copy.json["id"]?.uuid)

            // An offer pointing at the event keeps it (409); without offers it goes.
            try await t.harness.database.query("""
                INSERT INTO offers (company_id, artist_id, event_id, event_date, currency, deal, scenario, potential, guarantee_minor, created_by)
                VALUES (\(t.companyA), \(band), \(id), DATE '2030-08-08', 'EUR', '{}', '{}', '{}', 0, \(UUID()))
                """)
            let summary = try await api.get("/api/events/\(id)/summary")
            #expect(summary.json["offerCount"] == 1)
            #expect(summary.json["artistCount"] == 1)
            #expect(summary.json["activityCount"] == 1)
            #expect(summary.json["event"]?["name"] == "Original")
            let refused = try await api.delete("/api/events/\(id)")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "event_in_use")
            #expect(try await api.delete("/api/events/\(copyID)").status == .noContent)
            #expect(try await api.get("/api/events/\(copyID)").status == .notFound)
            #expect(try await api.delete("/api/events/\(copyID)").status == .notFound)
        }
    }

    @Test func exportIsRFC4180AndFormulaSafe() async throws {
        try await withEvents { t in
            let api = t.a
            let band = try await api.makeAvailArtist("=HYPERLINK(\"x\")")
            _ = try await api.makeEvent("Rock, \"Roll\"\nNight", date: "2030-09-09", artists: [band])
            _ = try await api.makeEvent("@SUM(A1)", date: "2030-09-10")
            _ = try await api.makeEvent("Other", date: "2032-01-01")
            let csv = try await api.get("/api/events/export?to=2031-01-01")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.components(separatedBy: "\r\n")
            #expect(lines[0].hasPrefix("id,name,status,date,"))
            #expect(csv.text.contains(",\"Rock, \"\"Roll\"\"\nNight\",draft,2030-09-09,"))
            #expect(csv.text.contains(",'@SUM(A1),draft,2030-09-10,"))
            #expect(csv.text.contains(",\"'=HYPERLINK(\"\"x\"\")\","))
            #expect(!csv.text.contains("Other"))
            #expect(try await t.b.get("/api/events/export").text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1)
            #expect(try await t.a(permissions: []).get("/api/events/export").status == .forbidden)
        }
    }
}

/// Members hold the events', avails' and artists' permissions (artists are created through `POST /api/artists`).
func withEvents(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: allAvailTestPermissions + [BasePermission.eventsRead, BasePermission.eventsWrite],
                                       module: BasePermission.module, body)
}

extension APITestClient {
    func makeEvent(_ name: String, date: String, status: String = "draft", artists: [UUID] = []) async throws -> UUID {
        let bill = JSONValue.array(artists.map { ["artistId": .string($0.uuidString)] })
        let response = try await post("/api/events", ["name": .string(name), "date": .string(date), "currency": "EUR",
                                                      "status": .string(status), "artists": bill])
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating event \(name) answered \(response.status): \(response.text)")
        }
        return id
    }
}
