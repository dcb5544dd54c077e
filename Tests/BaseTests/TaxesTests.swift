import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 10: "Tax: tax lines per event (VAT/sales tax, withholding on artist fees) with rates and whether prices are
/// tax-inclusive; summaries show gross, tax and net." Every figure is worked by hand in the comments.
@Suite("Base event taxes")
struct TaxesTests {
    static func tax(_ event: UUID, _ kind: String, _ name: String, _ rate: Int, inclusive: Bool, _ appliesTo: String,
                    category: String? = nil) -> JSONValue {
        var body: [String: JSONValue] = ["eventId": .string(event.uuidString), "kind": .string(kind), "name": .string(name),
                                         "rateBp": .number(Double(rate)), "inclusive": .bool(inclusive), "appliesTo": .string(appliesTo)]
        if let category { body["incomeCategory"] = .string(category) }
        return .object(body)
    }

    @Test func createReadReplaceListAndDelete() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Taxed", on: "2027-06-01")
            let other = try await t.insertOpsEvent("Other", on: "2027-06-02")
            let created = try await api.post("/api/event-tax", Self.tax(event, "vat", " VAT ", 2000, inclusive: true, "income_category",
                                                                         category: "ticketing"))
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            #expect(created.json["name"] == "VAT")
            #expect(created.json["incomeCategory"] == "ticketing")
            #expect(created.json["notes"] == .null)
            let id = try #require(created.json["id"]?.uuid)
            let withholding = try await api.opsCreated("/api/event-tax", Self.tax(event, "withholding", "WHT", 1500, inclusive: false, "artist_fees"))
            let elsewhere = try await api.opsCreated("/api/event-tax", Self.tax(other, "sales_tax", "City", 800, inclusive: false, "income"))

            #expect(try await api.get("/api/event-tax/\(id)").json["rateBp"] == 2000)
            func ids(_ query: String) async throws -> [UUID?] {
                try await api.get("/api/event-tax\(query)").json["items"]?.arrayValue?.map { $0["id"]?.uuid } ?? []
            }
            #expect(try await ids("") == [id, withholding, elsewhere])
            #expect(try await ids("?eventId=\(event)") == [id, withholding])
            #expect(try await ids("?kind=withholding") == [withholding])
            #expect(try await ids("?appliesTo=income") == [elsewhere])
            #expect(try await ids("?limit=1&page=3") == [elsewhere])

            let replaced = try await api.put("/api/event-tax/\(id)", ["kind": "vat", "name": "VAT (all income)", "rateBp": 2100, "inclusive": true,
                                                                      "appliesTo": "income", "notes": "Raised", "version": 1])
            #expect(replaced.status == .ok)
            #expect(replaced.json["version"] == 2)
            #expect(replaced.json["incomeCategory"] == .null)
            #expect(replaced.json["notes"] == "Raised")
            let stale = try await api.request(.put, "/api/event-tax/\(id)", json: ["kind": "vat", "name": "V", "rateBp": 1, "inclusive": true,
                                                                                  "appliesTo": "income"], headers: [.ifMatch: "\"1\""])
            #expect(stale.errorCode == "version_conflict")
            let moved = try await api.put("/api/event-tax/\(id)", ["eventId": .string(other.uuidString), "kind": "vat", "name": "V", "rateBp": 1,
                                                                   "inclusive": true, "appliesTo": "income", "version": 2])
            #expect(moved.errorFields == ["eventId"])

            #expect(try await api.delete("/api/event-tax/\(id)").status == .noContent)
            #expect(try await api.get("/api/event-tax/\(id)").status == .notFound)
            #expect(try await api.delete("/api/event-tax/\(id)").status == .notFound)
        }
    }

    /// Income 1,200.00 ticketing + 300.00 bar (EUR); guarantees 5,000.00 EUR (accepted) and 1,000.00 GBP (converted) at
    /// GBP 0.8 on the event's day = 1,250.00 EUR; a draft offer does not count.
    @Test func theSheetComputesBaseTaxGrossAndNetByHand() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Sheet", on: "2027-06-01", currency: "EUR")
            try await t.insertECBRate("GBP", "0.8000", on: "2027-06-01")
            _ = try await api.makeIncome(event: event, category: "ticketing", amount: 120_000, on: "2027-06-01")
            _ = try await api.makeIncome(event: event, category: "bar", amount: 30_000, on: "2027-06-01")
            let artist = try await api.makeOpsArtist("Headliner")
            let accepted = try await t.insertOpsOffer(artist: artist, event: event, status: "accepted", guarantee: 500_000)
            _ = try await t.insertOpsOffer(artist: artist, event: event, status: "draft", guarantee: 9_999_999)

            let vat = try await api.opsCreated("/api/event-tax", Self.tax(event, "vat", "VAT", 2000, inclusive: true, "income_category",
                                                                          category: "ticketing"))
            let wht = try await api.opsCreated("/api/event-tax", Self.tax(event, "withholding", "WHT", 1500, inclusive: false, "artist_fees"))
            let sales = try await api.opsCreated("/api/event-tax", Self.tax(event, "sales_tax", "Sales", 1000, inclusive: false, "income"))
            let levy = try await api.opsCreated("/api/event-tax", Self.tax(event, "other", "Levy", 500, inclusive: true, "income_category",
                                                                           category: "bar"))

            // 15 % withholding on the 5,000.00 guarantee alone: 750.00 kept back, 4,250.00 paid.
            let single = try await api.get("/api/event-tax/event/\(event)").json["summary"]?["lines"]?[1]
            #expect(single?["baseMinor"] == 500_000)
            #expect(single?["taxMinor"] == 75_000)
            #expect(single?["netMinor"] == 425_000)

            let converted = try await t.insertOpsOffer(artist: artist, event: event, status: "converted", currency: "GBP", guarantee: 100_000)
            let sheet = try await api.get("/api/event-tax/event/\(event)")
            #expect(sheet.status == .ok)
            #expect(sheet.json["currency"] == "EUR")
            #expect(sheet.json["items"]?.arrayValue?.map { $0["id"]?.uuid } == [vat, wht, sales, levy])
            let lines = sheet.json["summary"]?["lines"]?.arrayValue ?? []
            #expect(lines.map { $0["taxId"]?.uuid } == [vat, wht, sales, levy])
            // 20 % VAT included in 1,200.00: 1,200.00 × 2000 / 12000 = 200.00; net 1,000.00.
            #expect(lines[0]["baseMinor"] == 120_000)
            #expect(lines[0]["taxMinor"] == 20_000)
            #expect(lines[0]["grossMinor"] == 120_000)
            #expect(lines[0]["netMinor"] == 100_000)
            // 15 % withholding on 5,000.00 + 1,250.00 = 6,250.00: 937.50 kept back; net 5,312.50.
            #expect(lines[1]["baseMinor"] == 625_000)
            #expect(lines[1]["taxMinor"] == 93_750)
            #expect(lines[1]["grossMinor"] == 625_000)
            #expect(lines[1]["netMinor"] == 531_250)
            // 10 % sales tax on top of all income, 1,500.00: 150.00; gross 1,650.00.
            #expect(lines[2]["baseMinor"] == 150_000)
            #expect(lines[2]["taxMinor"] == 15_000)
            #expect(lines[2]["grossMinor"] == 165_000)
            #expect(lines[2]["netMinor"] == 150_000)
            // 5 % included in 300.00 of bar: 300.00 × 500 / 10500 = 14.2857… → 14.29; net 285.71.
            #expect(lines[3]["taxMinor"] == 1_429)
            #expect(lines[3]["netMinor"] == 28_571)
            // Income: base 1,500.00, gross + the 150.00 on top = 1,650.00, tax 200.00 + 150.00 + 14.29 = 364.29, net 1,285.71.
            let totals = sheet.json["summary"]?["totals"]
            #expect(totals?["baseMinor"] == 150_000)
            #expect(totals?["grossMinor"] == 165_000)
            #expect(totals?["taxMinor"] == 36_429)
            #expect(totals?["netMinor"] == 128_571)
            let fees = sheet.json["summary"]?["artistFees"]
            #expect(fees?["baseMinor"] == 625_000)
            #expect(fees?["taxMinor"] == 93_750)
            #expect(fees?["netMinor"] == 531_250)
            let conversions = sheet.json["summary"]?["conversions"]?.arrayValue ?? []
            #expect(conversions.count == 4)
            let gbp = conversions.first { $0["sourceId"]?.uuid == converted }
            #expect(gbp?["convertedMinor"] == 125_000)
            #expect(gbp?["rate"] == "1.25")
            #expect(gbp?["source"] == "ecb")
            #expect(gbp?["day"] == "2027-06-01")
            #expect(conversions.first { $0["sourceId"]?.uuid == accepted }?["source"] == "identity")
        }
    }

    /// Halves round up: 50 % on top of 0.01 is 0.01 (0.005 up), 1 % included in 1.01 is 0.01 (1.0 exactly), a zero
    /// rate is no tax; a missing rate for a fee is 422.
    @Test func roundingHalvesUpAndAMissingRateIsRefused() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Cents", on: "2027-06-01", currency: "EUR")
            _ = try await api.makeIncome(event: event, category: "merchandise", amount: 1, on: "2027-06-01")
            _ = try await api.makeIncome(event: event, category: "bar", amount: 101, on: "2027-06-01")
            _ = try await api.opsCreated("/api/event-tax", Self.tax(event, "other", "Half", 5000, inclusive: false, "income_category",
                                                                    category: "merchandise"))
            _ = try await api.opsCreated("/api/event-tax", Self.tax(event, "vat", "One", 100, inclusive: true, "income_category", category: "bar"))
            _ = try await api.opsCreated("/api/event-tax", Self.tax(event, "vat", "Zero", 0, inclusive: false, "income"))
            let lines = try await api.get("/api/event-tax/event/\(event)").json["summary"]?["lines"]?.arrayValue ?? []
            #expect(lines.map { $0["taxMinor"] } == [1, 1, 0])

            let artist = try await api.makeOpsArtist("Abroad")
            _ = try await t.insertOpsOffer(artist: artist, event: event, status: "accepted", currency: "CHF", guarantee: 100_000)
            let refused = try await api.get("/api/event-tax/event/\(event)")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorCode == "exchange_rate_missing")
            #expect(refused.json["error"]?["info"]?["from"] == "CHF")
            #expect(refused.json["error"]?["info"]?["date"] == "2027-06-01")
        }
    }

    @Test func validationMalformedPermissionAndOtherCompany() async throws {
        try await withIncome { t in
            let api = t.a
            let event = try await t.insertOpsEvent("Rules", on: "2027-06-01")
            let invalid = try await api.post("/api/event-tax", ["eventId": .string(event.uuidString), "kind": "gst", "name": " ", "rateBp": 10_001,
                                                                "appliesTo": "everything", "notes": .string(String(repeating: "n", count: 2001))])
            #expect(Set(invalid.errorFields) == ["kind", "name", "rateBp", "inclusive", "appliesTo", "notes"])
            #expect(Set(try await api.post("/api/event-tax", [:]).errorFields) == ["eventId", "kind", "name", "rateBp", "inclusive", "appliesTo"])
            // Cross-field rules are 422s.
            let withholdingOnIncome = try await api.post("/api/event-tax", Self.tax(event, "withholding", "W", 100, inclusive: false, "income"))
            #expect(withholdingOnIncome.errorFields == ["appliesTo"])
            #expect(try await api.post("/api/event-tax", Self.tax(event, "vat", "V", 100, inclusive: true, "income_category")).errorFields
                    == ["incomeCategory"])
            #expect(try await api.post("/api/event-tax", Self.tax(event, "vat", "V", 100, inclusive: true, "income", category: "bar")).errorFields
                    == ["incomeCategory"])
            #expect(try await api.post("/api/event-tax", Self.tax(event, "vat", "V", 100, inclusive: true, "income_category",
                                                                 category: "lottery")).errorFields == ["incomeCategory"])
            let theirs = try await t.insertOpsEvent("Theirs", on: "2027-06-01", company: t.companyB)
            #expect(try await api.post("/api/event-tax", Self.tax(theirs, "vat", "V", 100, inclusive: true, "income")).errorFields == ["eventId"])
            #expect(try await api.request(.post, "/api/event-tax", rawBody: "{\"inclusive\": \"yes\"}").status == .badRequest)
            #expect(try await api.get("/api/event-tax?kind=gst").status == .badRequest)
            #expect(try await api.get("/api/event-tax?eventId=1").status == .badRequest)

            let id = try await api.opsCreated("/api/event-tax", Self.tax(event, "vat", "V", 100, inclusive: true, "income"))
            #expect(try await api.put("/api/event-tax/\(id)", ["kind": "vat", "name": "V", "rateBp": 1, "inclusive": true, "appliesTo": "income"])
                .errorFields == ["version"])
            let reader = t.a(permissions: [BasePermission.taxesRead])
            #expect(try await reader.get("/api/event-tax/\(id)").status == .ok)
            #expect(try await reader.get("/api/event-tax/event/\(event)").status == .ok)
            #expect(try await reader.post("/api/event-tax", Self.tax(event, "vat", "V", 1, inclusive: true, "income")).status == .forbidden)
            #expect(try await reader.put("/api/event-tax/\(id)", ["kind": "vat", "name": "V", "rateBp": 1, "inclusive": true, "appliesTo": "income",
                                                                 "version": 1]).status == .forbidden)
            #expect(try await reader.delete("/api/event-tax/\(id)").status == .forbidden)
            let incomeOnly = t.a(permissions: [BasePermission.incomeRead, BasePermission.incomeWrite])
            #expect(try await incomeOnly.get("/api/event-tax").status == .forbidden)
            #expect(try await incomeOnly.get("/api/event-tax/event/\(event)").status == .forbidden)

            #expect(try await t.b.get("/api/event-tax/\(id)").status == .notFound)
            #expect(try await t.b.put("/api/event-tax/\(id)", ["kind": "vat", "name": "V", "rateBp": 1, "inclusive": true, "appliesTo": "income",
                                                              "version": 1]).status == .notFound)
            #expect(try await t.b.delete("/api/event-tax/\(id)").status == .notFound)
            #expect(try await t.b.get("/api/event-tax/event/\(event)").status == .notFound)
            #expect(try await t.b.get("/api/event-tax").json["total"] == 0)
            #expect(try await api.get("/api/event-tax/\(id)").json["version"] == 1)
        }
    }
}
