import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9, Venues: what Base keeps about a venue (contacts, documents, inquiries) and what it reads about one (its
/// events there, stats, availability), plus an event's venue. "Every route checks … a `basic.*` permission; another
/// company's ids answer 404."
@Suite("Base venues: contacts, documents, inquiries, events, stats, availability, an event's venue")
struct VenueDetailsTests {
    static let pdf: [UInt8] = Array("%PDF-1.7\n".utf8) + Array(repeating: 0x20, count: 200)

    @Test func contactsBelongToTheCompanysLinkAndOnePrimary() async throws {
        try await withVenues { t, venue in
            let id = venue.add("Paradiso")
            let notLinked = try await t.a.post("/api/venues/\(id)/contacts", ["name": "Anna"])
            #expect(notLinked.status == .notFound)
            #expect(notLinked.errorCode == "venue_not_linked")
            #expect(try await t.a.get("/api/venues/\(id)/contacts").errorCode == "venue_not_linked")
            #expect(try await t.link(id).status == .created)
            let anna = try await t.a.post("/api/venues/\(id)/contacts", [
                "name": " Anna ", "role": "Booker", "email": "anna@paradiso.example", "phone": "+31 20 626 4521", "isPrimary": true,
            ])
            #expect(anna.status == .created)
            #expect(anna.json["name"] == "Anna")
            let annaID = try #require(anna.json["id"]?.uuid)
            let second = try await t.a.post("/api/venues/\(id)/contacts", ["name": "Bert", "isPrimary": true])
            #expect(second.status == .conflict)
            #expect(second.errorCode == "primary_contact_exists")
            let bert = try #require(try await t.a.post("/api/venues/\(id)/contacts", ["name": "Bert"]).json["id"]?.uuid)
            let list = try await t.a.get("/api/venues/\(id)/contacts")
            #expect(list.json["items"]?.arrayValue?.map { $0["name"] } == ["Anna", "Bert"], "primary first")
            let replaced = try await t.a.put("/api/venues/\(id)/contacts/\(bert)", ["name": "Bert B", "notes": "prod manager"])
            #expect(replaced.json["name"] == "Bert B")
            #expect(replaced.json["isPrimary"] == false)
            let invalid = try await t.a.post("/api/venues/\(id)/contacts", ["name": " ", "email": "nope", "phone": "call me"])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["name", "email", "phone"])
            // Another company: its own link to the same venue does not reach A's contacts.
            #expect(try await t.link(id, as: t.b).status == .created)
            #expect(try await t.b.get("/api/venues/\(id)/contacts").json["total"] == 0)
            #expect(try await t.b.put("/api/venues/\(id)/contacts/\(annaID)", ["name": "Mine"]).status == .notFound)
            #expect(try await t.b.delete("/api/venues/\(id)/contacts/\(annaID)").status == .notFound)
            #expect(try await t.a.delete("/api/venues/\(id)/contacts/\(annaID)").status == .noContent)
            #expect(try await t.a.delete("/api/venues/\(id)/contacts/\(annaID)").status == .notFound)
            // Unlinking takes the company's contacts with it.
            #expect(try await t.a.delete("/api/venues/\(id)").status == .noContent)
            #expect(try await t.link(id).status == .created)
            #expect(try await t.a.get("/api/venues/\(id)/contacts").json["total"] == 0)
        }
    }

    @Test func documentsAreTypedByTheirBytesAndBounded() async throws {
        try await withVenues { t, venue in
            let id = venue.add("Paradiso")
            let path = "/api/venues/\(id)/documents"
            #expect(try await uploadVenueDocument(t.a, path, Self.pdf).errorCode == "venue_not_linked")
            #expect(try await t.link(id).status == .created)
            let uploaded = try await uploadVenueDocument(t.a, path, Self.pdf, filename: "rider.txt", fields: ["kind": "tech_rider"])
            #expect(uploaded.status == .created)
            #expect(uploaded.json["contentType"] == "application/pdf", "the bytes decide, not the name")
            #expect(uploaded.json["title"] == "rider.txt")
            #expect(uploaded.json["size"] == .number(Double(Self.pdf.count)))
            #expect(uploaded.json["sha256"]?.stringValue?.count == 64)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 1, count: 50)
            #expect(try await uploadVenueDocument(t.a, path, png, filename: "plan.png", fields: ["title": "Stage plot", "kind": "stage_plot"])
                .json["title"] == "Stage plot")
            let list = try await t.a.get(path)
            #expect(list.json["total"] == 2)
            #expect(try await t.a.get("\(path)?kind=tech_rider").json["total"] == 1)
            #expect(try await t.a.get("\(path)?kind=menu").status == .badRequest)

            let text = try await uploadVenueDocument(t.a, path, Array("just text".utf8))
            #expect(text.status == .unprocessableContent)
            #expect(text.errorCode == "unsupported_media_type")
            #expect(try await uploadVenueDocument(t.a, path, Self.pdf, fields: ["kind": "menu"]).errorFields == ["kind"])
            #expect(try await uploadVenueDocument(t.a, path, Self.pdf, contentType: "application/json").status == .unsupportedMediaType)
            let big = try await uploadVenueDocument(t.a, path, Self.pdf + Array(repeating: 0, count: 10 * 1024 * 1024))
            #expect(big.status == .contentTooLarge)
            // B cannot upload to or read A's documents: B has no link of its own.
            #expect(try await uploadVenueDocument(t.b, path, Self.pdf).status == .notFound)
            #expect(try await t.b.get(path).status == .notFound)
        }
    }

    @Test func inquiriesAreCheckedAgainstVenuesAnswer() async throws {
        try await withVenues { t, venue in
            let id = venue.add("Paradiso", capacity: 1500, spaces: [("Main hall", 1500), ("Upstairs", 250)])
            let closed = venue.add("Tivoli", status: "inactive")
            let sleeping = venue.add("Sleeper", status: "sleeping", capacity: nil)
            let hall = try #require(venue.spaceIDs(of: id).first)
            let event = try await t.insertEvent(company: t.companyA, name: "Night", date: "2027-05-01")
            let theirs = try await t.insertEvent(company: t.companyB, name: "Other", date: "2027-05-01")
            let sent = try await t.a.post("/api/venues/\(id)/inquiry", [
                "startsOn": "2027-05-01", "endsOn": "2027-05-02", "spaceIds": [.string(hall.uuidString)], "expectedAttendance": 1200,
                "eventId": .string(event.uuidString), "message": "Is the main hall free?",
            ])
            #expect(sent.status == .created)
            #expect(sent.json["recipient"] == "venue")
            #expect(sent.json["venueName"] == "Paradiso")
            #expect(sent.json["endsOn"] == "2027-05-02")
            #expect(try await t.a.post("/api/venues/\(sleeping)/inquiry", ["startsOn": "2027-05-01", "message": "Hi"]).json["recipient"] == "kisum")
            let refused = try await t.a.post("/api/venues/\(closed)/inquiry", ["startsOn": "2027-05-01", "message": "Hi"])
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "venue_not_accepting_inquiries")
            let wrong = try await t.a.post("/api/venues/\(id)/inquiry", [
                "startsOn": "2027-05-01", "spaceIds": [.string(UUID().uuidString)], "expectedAttendance": 5000, "message": "Hi",
            ])
            #expect(Set(wrong.errorFields) == ["spaceIds", "expectedAttendance"])
            let otherEvent = try await t.a.post("/api/venues/\(id)/inquiry", ["startsOn": "2027-05-01", "eventId": .string(theirs.uuidString), "message": "Hi"])
            #expect(otherEvent.errorFields == ["eventId"], "another company's event is not the caller's")
            let invalid = try await t.a.post("/api/venues/\(id)/inquiry", ["startsOn": "2027-05-02", "endsOn": "2027-05-01", "message": " "])
            #expect(Set(invalid.errorFields) == ["endsOn", "message"])
            #expect(try await t.a.post("/api/venues/\(UUID())/inquiry", ["startsOn": "2027-05-01", "message": "Hi"]).errorCode == "venue_not_found")

            let overview = try await t.a.get("/api/venues/\(id)/inquiry")
            #expect(overview.json["inquiry"]?["acceptsInquiries"] == true)
            #expect(overview.json["inquiry"]?["largestSpaceCapacity"] == 1500)
            #expect(overview.json["sentTotal"] == 1)
            #expect(try await t.b.get("/api/venues/\(id)/inquiry").json["sentTotal"] == 0, "B sees Venue's answer, not A's inquiries")
        }
    }

    @Test func eventsStatsAndAvailabilityComeFromTheCompanysEventsAndVenue() async throws {
        try await withVenues { t, venue in
            let id = venue.add("Paradiso", capacity: 1500, spaces: [("Main hall", 1500)])
            let today = CalendarDate.today()
            let past = try #require(VenueDaysForTests.adding(-10, to: today))
            let soon = try #require(VenueDaysForTests.adding(3, to: today))
            let later = try #require(VenueDaysForTests.adding(5, to: today))
            try await t.insertEvent(company: t.companyA, name: "Played", date: past, status: "completed", venue: id)
            try await t.insertEvent(company: t.companyA, name: "Soon", date: soon, status: "confirmed", venue: id)
            try await t.insertEvent(company: t.companyA, name: "Held", date: later, status: "hold", venue: id)
            try await t.insertEvent(company: t.companyA, name: "Off", date: later, status: "cancelled", venue: id)
            try await t.insertEvent(company: t.companyA, name: "Elsewhere", date: soon, venue: UUID())
            try await t.insertEvent(company: t.companyB, name: "Theirs", date: soon, venue: id)

            let events = try await t.a.get("/api/venues/\(id)/events")
            #expect(events.json["total"] == 4)
            #expect(events.json["items"]?[0]?["name"] == "Played")
            #expect(try await t.a.get("/api/venues/\(id)/events?order=desc&limit=1").json["items"]?[0]?["date"]?.stringValue == later)
            #expect(try await t.a.get("/api/venues/\(id)/events?status=hold").json["total"] == 1)
            #expect(try await t.a.get("/api/venues/\(id)/events?from=\(today)").json["total"] == 3)
            #expect(try await t.a.get("/api/venues/\(id)/events?status=maybe").status == .badRequest)
            #expect(try await t.b.get("/api/venues/\(id)/events").json["items"]?.arrayValue?.map { $0["name"] } == ["Theirs"])

            let stats = try await t.a.get("/api/venues/\(id)/stats")
            #expect(stats.json["totalEvents"] == 4)
            #expect(stats.json["byStatus"]?["cancelled"] == 1)
            #expect(stats.json["byStatus"]?["settled"] == 0)
            #expect(stats.json["upcoming"] == 2)
            #expect(stats.json["past"] == 1)
            #expect(stats.json["lastPlayedOn"]?.stringValue == past)
            #expect(stats.json["nextEventOn"]?.stringValue == soon)
            #expect(stats.json["capacity"] == 1500)
            #expect(try await t.b.get("/api/venues/\(id)/stats").json["totalEvents"] == 1)
            #expect(try await t.a.get("/api/venues/\(UUID())/stats").errorCode == "venue_not_found")

            let busyDay = try #require(VenueDaysForTests.adding(1, to: today))
            venue.addBusy(id, startsAt: "\(busyDay)T18:00:00Z", endsAt: "\(busyDay)T23:00:00Z")
            let availability = try await t.a.get("/api/venues/\(id)/availability?from=\(today)&to=\(later)")
            #expect(availability.status == .ok)
            let days = availability.json["days"]?.arrayValue ?? []
            #expect(days.count == 6)
            #expect(days.first { $0["date"]?.stringValue == busyDay }?["venueBusy"] == true)
            #expect(days.first { $0["date"]?.stringValue == soon }?["events"] == 1)
            #expect(days.first { $0["date"]?.stringValue == later }?["holds"] == 1, "the cancelled event does not count")
            #expect(days.first { $0["date"]?.stringValue == today }?["available"] == true)
            #expect(availability.json["busy"]?.arrayValue?.count == 1)
            #expect(try await t.a.get("/api/venues/\(id)/availability").json["days"]?.arrayValue?.count == 31)
            let long = try await t.a.get("/api/venues/\(id)/availability?from=2027-01-01&to=2027-12-31")
            #expect(long.status == .unprocessableContent)
            #expect(long.errorFields == ["to"])
            #expect(try await t.a.get("/api/venues/\(id)/availability?from=2027-02-01&to=2027-01-01").errorFields == ["to"])
            #expect(try await t.a.get("/api/venues/\(id)/availability?from=2027-02-30").status == .badRequest)
            #expect(try await t.a.get("/api/venues/\(UUID())/availability").errorCode == "venue_not_found")
        }
    }

    /// "`GET /api/events/{id}/venue` answers the linked venue (Venue's data) or 404 `no_venue`; `PUT` sets
    /// `events.venue_id` after checking the venue exists in Venue … and snapshots its name and city."
    @Test func anEventsVenueIsSetFromVenueAndSnapshotted() async throws {
        try await withVenues { t, venue in
            let id = venue.add("Paradiso", city: "Amsterdam")
            let event = try await t.insertEvent(company: t.companyA, name: "Night", date: "2027-03-01")
            let none = try await t.a.get("/api/events/\(event)/venue")
            #expect(none.status == .notFound)
            #expect(none.errorCode == "no_venue")
            let set = try await t.a.put("/api/events/\(event)/venue", ["venueId": .string(id.uuidString)])
            #expect(set.status == .ok)
            #expect(set.json["venueName"] == "Paradiso")
            #expect(set.json["city"] == "Amsterdam")
            #expect(set.json["venue"]?["id"]?.uuid == id)
            let row = try await t.harness.database.query("""
                SELECT venue_id, venue_name, city, version FROM events WHERE id = \(event)
                """).first { try $0.decode((UUID?, String?, String?, Int).self) }
            #expect(row?.0 == id)
            #expect(row?.1 == "Paradiso")
            #expect(row?.2 == "Amsterdam")
            #expect(row?.3 == 2)
            #expect(try await t.a.get("/api/events/\(event)/venue").json["venue"]?["name"] == "Paradiso")
            let unknown = try await t.a.put("/api/events/\(event)/venue", ["venueId": .string(UUID().uuidString)])
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "venue_not_found")
            #expect(try await t.a.put("/api/events/\(event)/venue", [:]).errorFields == ["venueId"])
            #expect(try await t.a.put("/api/events/\(event)/venue", ["venueId": 7]).status == .badRequest)
            #expect(try await t.b.get("/api/events/\(event)/venue").status == .notFound)
            #expect(try await t.b.put("/api/events/\(event)/venue", ["venueId": .string(id.uuidString)]).status == .notFound)
            #expect(try await t.a.get("/api/events/\(UUID())/venue").status == .notFound)
            venue.mode = .unreachable
            #expect(try await t.a.get("/api/events/\(event)/venue").errorCode == "venue_unavailable")
            #expect(try await t.a.put("/api/events/\(event)/venue", ["venueId": .string(id.uuidString)]).status == .serviceUnavailable)
        }
    }
}

/// Day arithmetic for the tests, independent of the code under test.
enum VenueDaysForTests {
    static func adding(_ days: Int, to day: String) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: day).flatMap { calendar.date(byAdding: .day, value: days, to: $0) }.map { formatter.string(from: $0) }
    }
}
