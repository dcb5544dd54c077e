import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9, "Calendar feeds": "`GET /api/events/calendar` answers JSON for a range, and each user can create a
/// revocable feed URL (a token in the path, hashed at rest) that serves an RFC 5545 iCalendar feed of the company's
/// events, holds (with their rank) and tours, readable by Google Calendar or Apple Calendar; revoking the token ends
/// the feed at once. Validate the output with a real iCalendar parser in a test."
@Suite("Base events: calendar and iCalendar feeds")
struct EventsCalendarFeedTests {
    @Test func theJSONCalendarHasEventsHoldsAndToursInItsRange() async throws {
        try await withEvents { t in
            let api = t.a
            let artist = try await api.makeAvailArtist("Calendar Band")
            let today = CalendarDate.today()
            let year = try #require(Int(today.prefix(4)))
            let day = "\(year + 1)-03-10"
            _ = try await api.makeEvent("In range", date: day, artists: [artist])
            _ = try await api.makeEvent("Out of range", date: "\(year + 1)-05-10")
            _ = try await api.hold(artist, day)
            _ = try await api.hold(artist, day)
            try await Self.tour(t, name: "Spring Tour", from: "\(year + 1)-03-01", to: "\(year + 1)-03-20")
            let calendar = try await api.get("/api/events/calendar?from=\(year + 1)-03-01&to=\(year + 1)-03-31")
            #expect(calendar.status == .ok)
            #expect(calendar.json["events"]?.arrayValue?.map { $0["name"]?.stringValue } == ["In range"])
            #expect(calendar.json["holds"]?.arrayValue?.map { $0["label"]?.stringValue } == ["1st hold", "2nd hold"])
            #expect(calendar.json["eventGroups"]?[0]?["name"] == "Spring Tour")
            // Without avails.read the holds stay out.
            let eventsOnly = t.a(permissions: [BasePermission.eventsRead])
            #expect(try await eventsOnly.get("/api/events/calendar?from=\(year + 1)-03-01&to=\(year + 1)-03-31").json["holds"] == [])
            #expect(try await api.get("/api/events/calendar?from=\(year + 1)-03-01").errorFields == ["to"])
            #expect(try await api.get("/api/events/calendar?from=\(year + 1)-03-31&to=\(year + 1)-03-01").errorFields == ["to"])
            #expect(try await api.get("/api/events/calendar?from=2030-01-01&to=2031-06-01").errorFields == ["to"])
            #expect(try await api.get("/api/events/calendar?from=2030-13-01&to=2030-12-01").status == .badRequest)
            #expect(try await t.b.get("/api/events/calendar?from=\(year + 1)-03-01&to=\(year + 1)-03-31").json["events"] == [])
            #expect(try await t.a(permissions: []).get("/api/events/calendar?from=2030-01-01&to=2030-01-02").status == .forbidden)
        }
    }

    @Test func aFeedIsValidICalendarAndEndsWhenRevoked() async throws {
        try await withEvents { t in
            let api = t.a
            let artist = try await api.makeAvailArtist("Sigur Rós, \"Live\"; \\ & more")
            let year = try #require(Int(CalendarDate.today().prefix(4))) + 1
            let created = try await api.post("/api/events", [
                "name": "Ágætis byrjun — a very long event name that will certainly need folding in the feed", "date": .string("\(year)-06-12"),
                "doorsTime": "19:00", "showTime": "20:00", "curfewTime": "01:00", "timezone": "Europe/Amsterdam", "currency": "EUR",
                "venueName": "Paradiso", "city": "Amsterdam", "artists": [["artistId": .string(artist.uuidString)]],
            ])
            let eventID = try #require(created.json["id"]?.uuid)
            _ = try await api.makeEvent("All day", date: "\(year)-06-20")
            _ = try await api.hold(artist, "\(year)-07-01")
            _ = try await api.hold(artist, "\(year)-07-01")
            try await Self.tour(t, name: "Summer Tour", from: "\(year)-06-01", to: "\(year)-06-30")

            let feed = try await api.request(.post, "/api/events/calendar/feeds", json: ["name": "My gigs"],
                                             headers: [HTTPField.Name("X-Forwarded-Host")!: "kisum.example", HTTPField.Name("X-Forwarded-Proto")!: "https",
                                                       HTTPField.Name("X-Forwarded-Prefix")!: "/base"])
            #expect(feed.status == .created)
            let token = try #require(feed.json["token"]?.stringValue)
            #expect(token.count == 43)
            #expect(feed.json["url"] == .string("https://kisum.example/base/calendar/\(token).ics"))
            let feedID = try #require(feed.json["id"]?.uuid)
            // Only the hash is stored.
            let stored = try await t.harness.database.query("SELECT count(*) FROM calendar_feeds WHERE token_sha256 = sha256(convert_to(\(token), 'UTF8'))")
                .first { try $0.decode(Int.self) }
            #expect(stored == 1)
            let listed = try await api.get("/api/events/calendar/feeds")
            #expect(listed.json["total"] == 1)
            #expect(listed.json["items"]?[0]?["token"] == nil)

            let ics = try await APITestClient(t.raw).get("/calendar/\(token).ics")
            #expect(ics.status == .ok)
            #expect(ics.headers[.contentType] == "text/calendar; charset=utf-8")
            let text = ics.text
            #expect(text.hasSuffix("END:VCALENDAR\r\n"))
            // Every line ends in CRLF and is at most 75 octets.
            for line in text.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 75)
                #expect(!line.contains("\n"))
            }
            let parsed = try await Self.parse(text)
            let byUID = Dictionary(parsed.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
            let event = try #require(byUID["event-\(eventID.uuidString.lowercased())@kisum"])
            #expect(event.summary == "Ágætis byrjun — a very long event name that will certainly need folding in the feed")
            // 19:00 in Amsterdam in June is 17:00 UTC; the curfew at 01:00 is the next day.
            #expect(event.start == "\(year)-06-12T17:00:00+00:00")
            #expect(event.end == "\(year)-06-12T23:00:00+00:00")
            #expect(event.location == "Paradiso, Amsterdam")
            #expect(event.description.contains("Sigur Rós, \"Live\"; \\ & more"))
            let allDay = try #require(parsed.first { $0.summary == "All day" })
            #expect(allDay.start == "\(year)-06-20")
            #expect(allDay.end == "\(year)-06-21")
            let holds = parsed.filter { $0.uid.hasPrefix("hold-") }.map(\.summary).sorted()
            #expect(holds == ["1st hold: Sigur Rós, \"Live\"; \\ & more", "2nd hold: Sigur Rós, \"Live\"; \\ & more"])
            #expect(parsed.first { $0.uid.hasPrefix("hold-") }?.start == "\(year)-07-01")
            let tour = try #require(parsed.first { $0.uid.hasPrefix("group-") })
            #expect(tour.summary == "Tour: Summer Tour")
            #expect(tour.start == "\(year)-06-01")
            #expect(tour.end == "\(year)-07-01")
            // The same objects keep their UIDs on the next fetch.
            let again = try await Self.parse(try await APITestClient(t.raw).get("/calendar/\(token).ics").text)
            #expect(Set(again.map(\.uid)) == Set(parsed.map(\.uid)))

            // Another user (B) cannot revoke A's feed; A revokes it and the URL is gone at once.
            #expect(try await t.b.delete("/api/events/calendar/feeds/\(feedID)").status == .notFound)
            #expect(try await api.delete("/api/events/calendar/feeds/\(feedID)").status == .noContent)
            #expect(try await APITestClient(t.raw).get("/calendar/\(token).ics").status == .notFound)
            #expect(try await APITestClient(t.raw).get("/calendar/short.ics").status == .notFound)
            #expect(try await api.get("/api/events/calendar/feeds").json["total"] == 0)
            #expect(try await api.post("/api/events/calendar/feeds", ["name": " "]).errorFields == ["name"])
            #expect(try await t.a(permissions: []).post("/api/events/calendar/feeds").status == .forbidden)
        }
    }

    struct ParsedEvent: Decodable {
        var uid: String
        var summary: String
        var start: String
        var end: String
        var location: String
        var description: String
    }

    /// Reads the feed with Python's `icalendar` (Debian's python3-icalendar, in deploy/scripts/install-deps.sh), on a
    /// thread of its own (waiting for a process must not hold the cooperative pool, where the services under test
    /// run) and through files, not pipes (a process another test starts meanwhile would inherit a pipe's write end
    /// and keep the read waiting).
    static func parse(_ ics: String) async throws -> [ParsedEvent] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try parseBlocking(ics) }) }.start()
        }
    }

    static func parseBlocking(_ ics: String) throws -> [ParsedEvent] {
        let script = """
            import icalendar, json, sys
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            assert cal.get('VERSION') == '2.0' and cal.get('PRODID')
            out = []
            for e in cal.walk('VEVENT'):
                assert e.get('DTSTAMP') is not None
                out.append({'uid': str(e.get('UID')), 'summary': str(e.get('SUMMARY')), 'start': e.decoded('DTSTART').isoformat(),
                            'end': e.decoded('DTEND').isoformat(), 'location': str(e.get('LOCATION', '')),
                            'description': str(e.get('DESCRIPTION', ''))})
            json.dump(out, open(sys.argv[2], 'w'))
            """
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-ics-\(UUID().uuidString)").path
        let input = base + ".ics", output = base + ".json"
        defer { for path in [input, output] { try? FileManager.default.removeItem(atPath: path) } }
        guard FileManager.default.createFile(atPath: input, contents: Data(ics.utf8)) else { throw TestFailure("cannot write \(input)") }
        let status = try ChildProcess.run(["/usr/bin/python3", "-c", script, input, output]).code
        guard status == 0, let data = FileManager.default.contents(atPath: output) else {
            throw TestFailure("icalendar could not read the feed (exit \(status))")
        }
        return try JSONDecoder().decode([ParsedEvent].self, from: data)
    }

    /// A tour row of the 0009 root (its routes belong to the Event Group feature).
    static func tour(_ t: TwoCompanies<BaseService>, name: String, from: String, to: String) async throws {
        try await t.harness.database.query("""
            INSERT INTO event_groups (company_id, name, kind, starts_on, ends_on, currency, created_by)
            VALUES (\(t.companyA), \(name), 'tour', \(from)::date, \(to)::date, 'EUR', \(UUID()))
            """)
    }
}
