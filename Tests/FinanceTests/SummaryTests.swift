import Finance
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

@Suite("Finance summary")
struct SummaryTests {
    @Test func totalsPerCurrencyBucketCounterpartyAndSourceReference() async throws {
        try await withFinanceApp { c in
            // Jan 30 (Sat, week of Jan 25) and Feb 1 (Mon, week of Feb 1) 2027, plus a USD one; a draft and a void are not money.
            let jan = try await c.a.issuedInvoice(unit: 10_000, extra: ["issueDate": "2027-01-30", "customerRef": "mc-1"]) // 12100
            let feb = try await c.a.issuedInvoice(unit: 20_000, extra: ["issueDate": "2027-02-01", "customerRef": "mc-2"]) // 24200
            _ = try await c.a.createInvoice(invoiceBody(extra: ["currency": "USD", "status": "issued", "issueDate": "2027-02-02"]))
            _ = try await c.a.createInvoice(invoiceBody(extra: ["issueDate": "2027-02-03"]))
            let void = try #require(try await c.a.createInvoice(invoiceBody(extra: ["issueDate": "2027-02-03"]))["id"]?.stringValue)
            _ = try await c.a.patch("/api/income/\(void)", ["status": "void"])
            _ = try await c.b.issuedInvoice(unit: 99_999)
            _ = try await c.a.pay(jan, 2_100)
            _ = try await c.a.pay(feb, 24_200)

            let byCurrency = try await c.a.get("/api/income/summary").json
            #expect(byCurrency["groupBy"] == "currency")
            #expect(byCurrency["rows"] == [
                ["currency": "EUR", "bucket": .null, "customerName": .null, "customerRef": .null, "sourceRef": .null,
                 "documents": 2, "totalMinor": 36_300, "paidMinor": 26_300, "outstandingMinor": 10_000],
                ["currency": "USD", "bucket": .null, "customerName": .null, "customerRef": .null, "sourceRef": .null,
                 "documents": 1, "totalMinor": 12_100, "paidMinor": 0, "outstandingMinor": 12_100],
            ])

            func buckets(_ size: String) async throws -> [JSONValue] {
                try await c.a.get("/api/income/summary?groupBy=bucket&bucket=\(size)&currency=EUR").json["rows"]?.arrayValue?
                    .compactMap { $0["bucket"] } ?? []
            }
            #expect(try await buckets("month") == ["2027-01-01", "2027-02-01"])
            #expect(try await buckets("week") == ["2027-01-25", "2027-02-01"])
            #expect(try await buckets("day") == ["2027-01-30", "2027-02-01"])

            let byCustomer = try await c.a.get("/api/income/summary?groupBy=customer&currency=EUR").json["rows"]?.arrayValue ?? []
            #expect(byCustomer.compactMap { $0["customerRef"] } == ["mc-1", "mc-2"])
            #expect(byCustomer.first?["outstandingMinor"] == 10_000)

            let ranged = try await c.a.get("/api/income/summary?issuedFrom=2027-02-01&issuedTo=2027-02-01").json["rows"]
            #expect(ranged?[0]?["totalMinor"] == 24_200)
            #expect(try await c.b.get("/api/income/summary").json["rows"]?[0]?["totalMinor"] == 120_999)
        }
    }

    @Test func perSourceReferenceForVenueDeposits() async throws {
        try await withFinanceApp { c in
            let venue = c.machine.with(org: c.companyA)
            for (ref, amount) in [("dep-1", 1_000), ("dep-2", 2_000), ("dep-3", 3_000)] {
                _ = try await venue.post("/api/income", invoiceBody(unit: Int64(amount), extra: [
                    "source": "venue_deposit", "sourceRef": .string(ref), "status": "issued",
                    "lines": [["description": "Deposit", "quantity": 1, "unitMinor": .number(Double(amount))]]]))
            }
            let rows = try await c.a.get("/api/income/summary?groupBy=sourceRef&source=venue_deposit&sourceRef=dep-1,dep-3").json["rows"]?
                .arrayValue ?? []
            #expect(rows.compactMap { $0["sourceRef"] } == ["dep-1", "dep-3"])
            #expect(rows.compactMap { $0["totalMinor"] } == [1_000, 3_000])
            #expect(try await c.a.get("/api/income/summary?sourceRef=a,,b").status == .badRequest)
            #expect(try await c.a.get("/api/income/summary?groupBy=supplier").status == .badRequest)
            #expect(try await c.a.get("/api/bills/summary?groupBy=supplier").status == .ok)
            #expect(try await c.a.get("/api/income/summary?bucket=year").status == .badRequest)
        }
    }
}
