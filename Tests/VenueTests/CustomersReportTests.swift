import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PostgresNIO
import Testing
@testable import Venue

/// Issue 8: "`GET /api/v1/reports/customers`: bookings grouped by party with booking / confirmed / cancelled counts,
/// last booking time and the most recent overlay display name; Finance totals at report level when Finance is
/// reachable (`financeLinked`)."
@Suite("Venue customers report")
struct CustomersReportTests {
    static let window = "fromAt=2027-05-01T00:00:00Z&toAt=2027-06-01T00:00:00Z"

    /// Company A's bookings in May 2027 (and one in June), worked out by hand:
    /// - Mojo (company): 3 May confirmed, 10 May cancelled, 20 May tentative (also naming the person Nina);
    /// - Nina (person): the 20 May booking;
    /// - Club (company): 15 May completed, on the second venue's space;
    /// - Mojo again on 5 June: outside the window.
    struct World: Sendable {
        var mojo = UUID()
        var nina = UUID()
        var club = UUID()
        var hall = UUID()
        var secondVenue = UUID()
        var loft = UUID()
    }

    static func world(_ clients: VenueClients) async throws -> World {
        var w = World()
        let api = clients.a
        (_, w.hall) = try await api.makeSpace("Hall")
        w.secondVenue = try requireUUID(try await api.createVenue("Loft venue")["id"])
        w.loft = try requireUUID(try await api.createSpace(venue: w.secondVenue, name: "Loft")["id"])
        func book(_ space: UUID, _ day: Int, month: Int = 5, company: UUID, person: UUID? = nil) async throws -> UUID {
            var extra: [String: JSONValue] = ["marketCompanyId": .uuid(company)]
            if let person { extra["marketPersonId"] = .uuid(person) }
            let start = String(format: "2027-%02d-%02dT20:00:00Z", month, day), end = String(format: "2027-%02d-%02dT23:00:00Z", month, day)
            return try requireUUID(try await api.bookAt([space], start, end, extra: extra)["id"])
        }
        let confirmed = try await book(w.hall, 3, company: w.mojo)
        #expect(try await api.patch("/api/v1/bookings/\(confirmed)", ["status": "confirmed"]).status == .ok)
        let cancelled = try await book(w.hall, 10, company: w.mojo)
        #expect(try await api.patch("/api/v1/bookings/\(cancelled)", ["status": "cancelled"]).status == .ok)
        _ = try await book(w.hall, 20, company: w.mojo, person: w.nina)
        let completed = try await book(w.loft, 15, company: w.club)
        // Completed needs the booking to have ended, which a May 2027 booking has not: set as if it had.
        try await clients.env.database.query("UPDATE bookings SET status = 'completed' WHERE id = \(completed)")
        _ = try await book(w.hall, 5, month: 6, company: w.mojo)

        for (party, body) in [(w.mojo, CustomersTests.overlay("company", "Mojo (old name)")),
                              (w.mojo, CustomersTests.overlay("company", "Mojo house promoter")),
                              (w.club, CustomersTests.overlay("company", nil, extra: ["risk": "high"]))] {
            #expect(try await api.post("/api/v1/customers/\(party)/overlays", body).status == .created)
        }
        // Company B's name for the same party is B's.
        #expect(try await clients.b.post("/api/v1/customers/\(w.mojo)/overlays", CustomersTests.overlay("company", "B's Mojo")).status == .created)
        return w
    }

    static func lines(_ report: JSONValue) -> [String] {
        (report["rows"]?.arrayValue ?? []).map { row in
            ["partyKind", "displayName", "bookingCount", "confirmedCount", "cancelledCount", "lastBookingAt"].map { key in
                switch row[key] {
                case .string(let text)?: text
                case .number(let number)?: String(Int(number))
                default: "-"
                }
            }.joined(separator: " ")
        }
    }

    static func totals(_ report: JSONValue) -> String {
        ["customerCount", "bookingCount", "confirmedCount", "cancelledCount"]
            .map { report["totals"]?[$0]?.doubleValue.map { String(Int($0)) } ?? "-" }.joined(separator: " ")
    }

    @Test func bookingsAreGroupedPerPartyWithTheMostRecentOverlayName() async throws {
        try await withVenueApp { clients in
            let w = try await Self.world(clients)
            let report = try await clients.a.moneyReport("customers", Self.window)
            #expect(Self.lines(report) == [
                "company Mojo house promoter 3 1 1 2027-05-20T20:00:00.000Z",
                "person - 1 0 0 2027-05-20T20:00:00.000Z",
                "company - 1 1 0 2027-05-15T20:00:00.000Z",
            ])
            #expect(report["rows"]?.arrayValue?.compactMap { $0["partyId"]?.uuid } == [w.mojo, w.nina, w.club])
            // Four bookings (the one naming two parties once): confirmed + completed, one cancelled; three parties.
            #expect(Self.totals(report) == "3 4 2 1")
            #expect(report["financeLinked"] == false && report["financeMessage"] == .string(ReportsRoutes.financeNotConfigured))
            #expect(report["totals"]?["finance"] == .null)
            #expect(report["financeIssuedFrom"] == "2027-05-01" && report["financeIssuedTo"] == "2027-05-31")
            #expect(report["page"] == 1 && report["limit"] == 100 && report["timezone"] == "UTC")

            // Company B sees its own data only: none of A's bookings.
            let asB = try await clients.b.moneyReport("customers", Self.window)
            #expect(asB["rows"] == [] && Self.totals(asB) == "0 0 0 0")
        }
    }

    @Test func theReportFiltersAndPages() async throws {
        try await withVenueApp { clients in
            let w = try await Self.world(clients)
            func ids(_ query: String, window: String = Self.window) async throws -> [UUID] {
                try await clients.a.moneyReport("customers", "\(window)&\(query)")["rows"]?.arrayValue?.compactMap { $0["partyId"]?.uuid } ?? []
            }
            #expect(try await ids("marketCompanyId=\(w.club)") == [w.club])
            // The booking naming Nina also names Mojo: both rows, one booking each; same start, so company first.
            #expect(try await ids("marketPersonId=\(w.nina)") == [w.mojo, w.nina])
            #expect(try await ids("venueId=\(w.secondVenue)") == [w.club])
            #expect(try await ids("spaceId=\(w.hall)") == [w.mojo, w.nina])
            let other = try await clients.a.moneyReport("customers", "\(Self.window)&spaceId=\(UUID())")
            #expect(other["rows"] == [] && Self.totals(other) == "0 0 0 0")
            // A booking counts when it overlaps the window: 10 May 20:00–23:00 ends before the 11th, so only Club's.
            #expect(try await ids("", window: "fromAt=2027-05-11T00:00:00Z&toAt=2027-05-16T00:00:00Z") == [w.club])
            #expect(try await ids("", window: "fromAt=2027-05-10T22:00:00Z&toAt=2027-05-16T00:00:00Z") == [w.club, w.mojo], "one booking each; the later first")

            let second = try await clients.a.moneyReport("customers", "\(Self.window)&limit=1&page=2")
            #expect(second["rows"]?.arrayValue?.compactMap { $0["partyId"]?.uuid } == [w.nina])
            #expect(Self.totals(second) == "3 4 2 1" && second["page"] == 2 && second["limit"] == 1)
            let past = try await clients.a.moneyReport("customers", "\(Self.window)&limit=1&page=9")
            #expect(past["rows"] == [] && Self.totals(past) == "3 4 2 1")
        }
    }

    @Test func financeTotalsAreCompanyWideAtReportLevelWhenFinanceAnswers() async throws {
        try await withVenueAndFinance { clients, finance in
            let a = clients.env.companyA
            _ = try await Self.world(clients)
            try await finance.issued("income", a, 100_000, "EUR", on: "2027-05-04", paid: 40_000)
            try await finance.issued("income", a, 5_000, "USD", on: "2027-05-31")
            try await finance.issued("income", a, 70_000, "EUR", on: "2027-06-01")
            try await finance.issued("bills", a, 7_000, "EUR", on: "2027-05-05")
            try await finance.issued("income", clients.env.companyB, 999, "EUR", on: "2027-05-04")
            let report = try await clients.a.moneyReport("customers", Self.window)
            #expect(report["financeLinked"] == true && report["financeMessage"] == .null)
            #expect(report["totals"]?["finance"] == [["currency": "EUR", "invoicedMinor": 100_000, "paidMinor": 40_000],
                                                     ["currency": "USD", "invoicedMinor": 5_000, "paidMinor": 0]])
            // Company-wide: a party filter narrows the rows, not Finance's totals.
            let filtered = try await clients.a.moneyReport("customers", "\(Self.window)&marketCompanyId=\(UUID())")
            #expect(filtered["rows"] == [] && filtered["totals"]?["finance"]?.arrayValue?.count == 2)
            // Local days: in Amsterdam the window starts on 1 May 02:00, so 31 May's invoice is still in it.
            let amsterdam = try await clients.a.moneyReport("customers", "\(Self.window)&timezone=Europe/Amsterdam")
            #expect(amsterdam["financeIssuedFrom"] == "2027-05-01" && amsterdam["financeIssuedTo"] == "2027-06-01")
            #expect(amsterdam["totals"]?["finance"]?[0]?["invoicedMinor"] == 170_000)
        }
    }

    @Test func financeDownLeavesTheRowsAndSaysSo() async throws {
        let down = VenueSettings(finance: CalleeSettings(baseURL: "http://127.0.0.1:1", apiKey: TestDefaults.internalKeys[0]))
        try await withVenueApp(settings: down) { clients in
            _ = try await Self.world(clients)
            let report = try await clients.a.moneyReport("customers", Self.window)
            #expect(report["financeLinked"] == false && report["financeMessage"] == .string(ReportsRoutes.financeUnreachable))
            #expect(report["totals"]?["finance"] == .null && Self.totals(report) == "3 4 2 1")
        }
    }

    @Test func theReportSharesTheQueryRulesAndNeedsTheReportsPermission() async throws {
        try await withVenueApp { clients in
            let path = "/api/v1/reports/customers"
            for query in ["limit=0", "limit=501", "page=0", "bucket=year", "fromAt=yesterday", "marketCompanyId=mojo"] {
                let answer = try await clients.a.get("\(path)?\(query)")
                #expect(answer.status == .badRequest && answer.errorCode == "invalid_query", "\(query)")
            }
            let backwards = try await clients.a.get("\(path)?fromAt=2027-05-02T00:00:00Z&toAt=2027-05-01T00:00:00Z")
            #expect(backwards.status == .unprocessableContent && backwards.errorFields == ["toAt"])
            #expect(try await clients.a.get("\(path)?timezone=Mars/Olympus").errorFields == ["timezone"])
            #expect(try await clients.a.get("\(path)?\(Self.window)&limit=500").status == .ok)

            let customersOnly = clients.a(permissions: VenuePermission.customersAll)
            #expect(try await customersOnly.get(path).errorCode == "permission_denied")
            #expect(try await clients.a(permissions: [VenuePermission.reportsRead]).get(path).status == .ok)
        }
    }
}
