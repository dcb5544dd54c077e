import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing
@testable import Venue

/// `GET /api/v1/reports/utilization` against fixed data whose figures are worked out by hand in the comments.
@Suite("Reports: utilization")
struct ReportsTests {
    @Test func dayBucketsSplitABookingAtLocalMidnightAndTheDstDayHas23Hours() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, hall) = try await api.makeSpace("Hall")
            // 22:00 CET Saturday to 04:00 CEST Sunday 2027-03-28 (clocks skip 02:00–03:00): 5 real hours.
            try await api.bookAt([hall], "2027-03-27T22:00:00+01:00", "2027-03-28T04:00:00+02:00")
            let window = "fromAt=2027-03-27T00:00:00%2B01:00&toAt=2027-03-29T00:00:00%2B02:00&bucket=day"
            let amsterdam = try await api.utilization("\(window)&timezone=Europe/Amsterdam")
            // Saturday: 22:00–24:00 = 120 of 1440; Sunday (23 hours): 00:00–04:00 local = 3 real hours of 1380.
            #expect(amsterdam.figures == [
                "2027-03-26T23:00:00Z..2027-03-27T23:00:00Z Hall 120+0=120/1440 0.0833",
                "2027-03-27T23:00:00Z..2027-03-28T22:00:00Z Hall 180+0=180/1380 0.1304",
            ])
            #expect(amsterdam.timezone == "Europe/Amsterdam" && amsterdam.bucket == "day")
            let raw = try await api.get("/api/v1/reports/utilization?\(window)&timezone=Europe/Amsterdam").text
            #expect(raw.contains(#""usedMinutes":180,"utilization":0.1304,"#), "a plain number with 4 decimals: \(raw)")
            // One space in scope; the window is 1440 + 1380 minutes; 300 / 2820 = 0.10638….
            #expect(amsterdam.totals == UtilizationTotals(spaces: 1, bookedMinutes: 300, blockedMinutes: 0, usedMinutes: 300,
                                                          availableMinutes: 2820, utilization: 0.1064))
            // The same instants in UTC days (the window is clipped: it starts at 23:00Z and ends at 22:00Z).
            let utc = try await api.utilization(window)
            #expect(utc.figures == [
                "2027-03-27T00:00:00Z..2027-03-28T00:00:00Z Hall 180+0=180/1440 0.125",
                "2027-03-28T00:00:00Z..2027-03-29T00:00:00Z Hall 120+0=120/1320 0.0909",
            ], "the 60 minutes of 26 March in the window held nothing: no row")
        }
    }

    @Test func weekBucketsStartOnMondayAndMonthBucketsAreClippedToTheWindow() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, hall) = try await api.makeSpace("Hall")
            try await api.bookAt([hall], "2027-04-30T20:00:00Z", "2027-05-01T02:00:00Z")   // Friday → Saturday, 360
            try await api.bookAt([hall], "2027-05-02T22:00:00Z", "2027-05-03T01:00:00Z")   // Sunday → Monday, 180
            try await api.blockAt(hall, "maintenance", "2027-05-10T08:00:00Z", "2027-05-10T12:00:00Z")  // 240
            let window = "fromAt=2027-04-26T00:00:00Z&toAt=2027-05-17T00:00:00Z"
            // Weeks from Monday 26 April: 360 + 120 before Monday 3 May, 60 after; the block in the third week.
            #expect(try await api.utilization("\(window)&bucket=week").figures == [
                "2027-04-26T00:00:00Z..2027-05-03T00:00:00Z Hall 480+0=480/10080 0.0476",
                "2027-05-03T00:00:00Z..2027-05-10T00:00:00Z Hall 60+0=60/10080 0.006",
                "2027-05-10T00:00:00Z..2027-05-17T00:00:00Z Hall 0+240=240/10080 0.0238",
            ])
            // Months: April is clipped to 26–30 April (7200 minutes), May to 1–16 May (23040 minutes).
            let months = try await api.utilization("\(window)&bucket=month")
            #expect(months.figures == [
                "2027-04-01T00:00:00Z..2027-05-01T00:00:00Z Hall 240+0=240/7200 0.0333",
                "2027-05-01T00:00:00Z..2027-06-01T00:00:00Z Hall 300+240=540/23040 0.0234",
            ])
            #expect(months.totals.availableMinutes == 21 * 1440 && months.totals.usedMinutes == 780)
            // In Amsterdam (CEST, UTC+2) May begins at 22:00Z on 30 April: the first booking splits 120 / 240, and
            // the clipped buckets are 26 April 00:00Z–30 April 22:00Z (7080) and 30 April 22:00Z–17 May (23160).
            #expect(try await api.utilization("\(window)&bucket=month&timezone=Europe/Amsterdam").figures == [
                "2027-03-31T22:00:00Z..2027-04-30T22:00:00Z Hall 120+0=120/7080 0.0169",
                "2027-04-30T22:00:00Z..2027-05-31T22:00:00Z Hall 420+240=660/23160 0.0285",
            ])
        }
    }

    @Test func overlappingBookingsAndBlocksOnOneSpaceAreCountedOnce() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, hall) = try await api.makeSpace("Hall")
            // The occupancy invariant refuses overlaps, so the report's union is defence in depth; this test's own
            // database (a fresh copy) drops the constraint to hold rows the invariant would otherwise keep out.
            try await clients.env.database.query("ALTER TABLE space_occupancy DROP CONSTRAINT space_occupancy_no_overlap")
            try await api.bookAt([hall], "2027-06-01T10:00:00Z", "2027-06-01T14:00:00Z")
            try await api.bookAt([hall], "2027-06-01T13:00:00Z", "2027-06-01T15:00:00Z")
            try await api.blockAt(hall, "manual", "2027-06-01T12:00:00Z", "2027-06-01T16:00:00Z")
            // Booked 10–15 (300, not 240 + 120), blocked 12–16 (240), used 10–16 (360, not 540).
            #expect(try await api.utilization("fromAt=2027-06-01T00:00:00Z&toAt=2027-06-02T00:00:00Z&bucket=day").figures == [
                "2027-06-01T00:00:00Z..2027-06-02T00:00:00Z Hall 300+240=360/1440 0.25",
            ])
        }
    }

    @Test func onlyLiveBookingsAndUnexpiredBlocksCount() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, hall) = try await api.makeSpace("Hall")
            let day = "2027-07-01T"
            for (hour, status) in [(8, "tentative"), (9, "hold"), (10, "pending")] {  // 3 × 60 counted
                try await api.bookAt([hall], "\(day)\(hour):00:00Z", "\(day)\(hour + 1):00:00Z", extra: ["status": .string(status)])
            }
            for (hour, status) in [(11, "cancelled"), (12, "declined")] {
                let id = try requireUUID(try await api.bookAt([hall], "\(day)\(hour):00:00Z", "\(day)\(hour + 1):00:00Z")["id"])
                #expect(try await api.patch("/api/v1/bookings/\(id)", ["status": .string(status)]).status == .ok)
            }
            // A hold whose expiry has passed (brought forward in the database, as time passing would) is not counted;
            // a hold still live and a maintenance block are.
            let expired = try await api.blockAt(hall, "hold", "\(day)13:00:00Z", "\(day)15:00:00Z", extra: ["expiresAt": fromNow(seconds: 600)])
            let expiredID = try requireUUID(expired["id"])
            try await clients.env.database.query("UPDATE availability_blocks SET expires_at = now() - interval '1 second' WHERE id = \(expiredID)")
            try await api.blockAt(hall, "hold", "\(day)15:00:00Z", "\(day)16:00:00Z", extra: ["expiresAt": fromNow(seconds: 600)])
            try await api.blockAt(hall, "maintenance", "\(day)16:00:00Z", "\(day)18:00:00Z")
            #expect(try await api.utilization("fromAt=\(day)00:00:00Z&toAt=2027-07-02T00:00:00Z&bucket=day").figures == [
                "2027-07-01T00:00:00Z..2027-07-02T00:00:00Z Hall 180+180=360/1440 0.25",
            ])
        }
    }

    @Test func filtersNarrowTheSpacesAndPartyFiltersCountBookingsOnly() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (paradiso, hall) = try await api.makeSpace("Hall")
            let melkweg = try requireUUID(try await api.createVenue("Melkweg")["id"])
            let loft = try requireUUID(try await api.createSpace(venue: melkweg, name: "Loft")["id"])
            let (party, person, unit) = (UUID(), UUID(), UUID())
            let event = try requireUUID(try await api.post("/api/v1/events", [
                "placeholder": true, "placeholderPromoterName": "Indie Nights", "businessUnitId": .string(unit.uuidString)]).json["id"])
            try await api.bookAt([hall], "2027-08-02T10:00:00Z", "2027-08-02T12:00:00Z",
                                 extra: ["marketCompanyId": .string(party.uuidString), "eventId": .string(event.uuidString)])
            try await api.bookAt([loft], "2027-08-02T10:00:00Z", "2027-08-02T11:00:00Z",
                                 extra: ["marketCompanyId": nil, "marketPersonId": .string(person.uuidString)])
            try await api.blockAt(hall, "manual", "2027-08-02T14:00:00Z", "2027-08-02T15:00:00Z")
            let window = "fromAt=2027-08-02T00:00:00Z&toAt=2027-08-03T00:00:00Z&bucket=day"
            let (hallRow, loftRow) = ("2027-08-02T00:00:00Z..2027-08-03T00:00:00Z Hall", "2027-08-02T00:00:00Z..2027-08-03T00:00:00Z Loft")
            let all = try await api.utilization(window)
            #expect(all.figures == ["\(hallRow) 120+60=180/1440 0.125", "\(loftRow) 60+0=60/1440 0.0417"])
            #expect(all.rows.map(\.venueId) == [paradiso, melkweg] && all.totals.spaces == 2)
            let byVenue = try await api.utilization("\(window)&venueId=\(paradiso)")
            #expect(byVenue.figures == ["\(hallRow) 120+60=180/1440 0.125"] && byVenue.totals.spaces == 1)
            // The venue record's numeric venueId names the same venue as its uuid id.
            let paradisoNumber = try #require(try await api.get("/api/v1/venues/\(paradiso)").json["venueId"]?.doubleValue)
            #expect(try await api.utilization("\(window)&venueId=\(Int64(paradisoNumber))").figures == byVenue.figures)
            #expect(try await api.get("/api/v1/reports/utilization?\(window)&venueId=12ab").status == .badRequest)
            #expect(try await api.utilization("\(window)&spaceId=\(loft)").figures == ["\(loftRow) 60+0=60/1440 0.0417"])
            // Blocks belong to no party and no business unit: with such a filter only bookings count.
            #expect(try await api.utilization("\(window)&marketCompanyId=\(party)").figures == ["\(hallRow) 120+0=120/1440 0.0833"])
            #expect(try await api.utilization("\(window)&marketPersonId=\(person)").figures == ["\(loftRow) 60+0=60/1440 0.0417"])
            #expect(try await api.utilization("\(window)&businessUnitId=\(unit)").figures == ["\(hallRow) 120+0=120/1440 0.0833"])
            #expect(try await api.utilization("\(window)&businessUnitId=\(UUID())").rows.isEmpty)
        }
    }

    @Test func anotherCompanysDataNeverAppearsAndItsIdsAnswerAnEmptyReport() async throws {
        try await withVenueApp { clients in
            let (_, mine) = try await clients.a.makeSpace("Hall")
            let (theirVenue, theirs) = try await clients.b.makeSpace("Their hall")
            try await clients.a.bookAt([mine], "2027-09-01T10:00:00Z", "2027-09-01T11:00:00Z")
            try await clients.b.bookAt([theirs], "2027-09-01T10:00:00Z", "2027-09-01T12:00:00Z")
            let window = "fromAt=2027-09-01T00:00:00Z&toAt=2027-09-02T00:00:00Z&bucket=day"
            let report = try await clients.a.utilization(window)
            #expect(report.rows.map(\.spaceId) == [mine] && report.totals.spaces == 1 && report.totals.usedMinutes == 60)
            let theirNumber = try #require(try await clients.b.get("/api/v1/venues/\(theirVenue)").json["venueId"]?.doubleValue)
            for filter in ["venueId=\(theirVenue)", "venueId=\(Int64(theirNumber))", "spaceId=\(theirs)"] {
                let foreign = try await clients.a.utilization("\(window)&\(filter)")
                #expect(foreign.rows.isEmpty && foreign.totals == UtilizationTotals(
                    spaces: 0, bookedMinutes: 0, blockedMinutes: 0, usedMinutes: 0, availableMinutes: 0, utilization: 0))
            }
            #expect(try await clients.b.utilization(window).rows.map(\.spaceId) == [theirs])
        }
    }
}
