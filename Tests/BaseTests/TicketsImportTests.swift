import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 9, "Tickets: … an import of a CSV sales file (multipart) is all-or-nothing and reports every bad row with
/// its line number". Also the export: RFC 4180 quoting, formula-injection safe, and re-importable.
@Suite("Base event tickets: import and export")
struct TicketsImportTests {
    static func upload(_ api: APITestClient, _ csv: String, field: String = "file") async throws -> TestResponse {
        let boundary = "kisum-sales-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"sales.csv\"\r\nContent-Type: text/csv\r\n\r\n")
        body.writeString(csv)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if let token = api.token { headers[.authorization] = "Bearer \(token)" }
        if let org = api.org { headers[.xOrg] = org }
        return try await api.client.execute(uri: "/api/event-ticket/import", method: .post, headers: headers, body: body)
    }

    @Test func aGoodFileImportsAndImportingItAgainAddsNothing() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA)
            let ticket = try await t.a.makeTicket(event, capacity: 100, tiers: [["name": "Std", "priceMinor": 2000, "capacity": 100]])
            let tier = try #require(try await t.a.get("/api/event-ticket/\(ticket)/tiers").json[0]?["id"]?.uuid)
            let csv = """
                \u{FEFF}external_ref,tier_id,sold_on,period_start,period_end,quantity,comps,gross_minor,channel\r
                r1,\(tier),2027-03-01,,,10,1,,Box office\r
                r2,\(tier),,2027-03-01,2027-03-07,5,0,9000,"Outlet, \"\"North\"\"\"\r
                \r
                r3,\(tier),2027-03-08,,,3,,,
                """
            let imported = try await Self.upload(t.a, csv)
            #expect(imported.status == .created)
            #expect(imported.json["rows"] == 3)
            #expect(imported.json["imported"] == 3)
            #expect(imported.json["skipped"] == 0)
            let sales = try await t.a.get("/api/event-ticket/event/\(event)/sales").json["items"]?.arrayValue ?? []
            #expect(sales.map { $0["externalRef"]?.stringValue } == ["r1", "r2", "r3"])
            #expect(sales.map { $0["grossMinor"]?.int } == [20000, 9000, 6000])
            #expect(sales[1]["channel"] == "Outlet, \"North\"")
            let again = try await Self.upload(t.a, csv)
            #expect(again.status == .ok)
            #expect(again.json["imported"] == 0)
            #expect(again.json["skipped"] == 3)
            #expect(try await t.a.get("/api/event-ticket/\(ticket)").json["sold"] == 18)
        }
    }

    @Test func aFileWithBadRowsReportsEveryLineAndWritesNothing() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA)
            let ticket = try await t.a.makeTicket(event, capacity: 10, tiers: [["name": "Std", "priceMinor": 1000, "capacity": 10]])
            let tier = try #require(try await t.a.get("/api/event-ticket/\(ticket)/tiers").json[0]?["id"]?.uuid)
            let theirs = try await t.makeEvent(t.companyB)
            let theirTicket = try await t.b.makeTicket(theirs, capacity: 5, tiers: [["name": "B", "priceMinor": 1, "capacity": 5]])
            let theirTier = try #require(try await t.b.get("/api/event-ticket/\(theirTicket)/tiers").json[0]?["id"]?.uuid)
            let syntax = """
                tier_id,sold_on,quantity,comps,gross_minor,external_ref
                \(tier),2027-03-01,2,0,,ok-1
                not-a-uuid,2027-03-01,1,0,,bad-2
                \(tier),2027-13-01,x,0,,bad-3
                \(tier),2027-03-01,1,0,,
                \(tier),2027-03-01,1,0,,ok-1
                \(tier),2027-03-01,1,0
                """
            let refused = try await Self.upload(t.a, syntax)
            #expect(refused.status == .unprocessableContent)
            let rows = refused.json["error"]?["info"]?["rows"]?.arrayValue ?? []
            let found = Set(rows.compactMap { row -> String? in
                guard let line = row["line"]?.int, let field = row["field"]?.stringValue else { return nil }
                return "\(line):\(field)"
            })
            #expect(found == ["3:tier_id", "4:sold_on", "4:quantity", "5:external_ref", "6:external_ref", "7:file"])
            #expect(refused.errorFields.contains("lines[4].quantity"))

            // Rows that parse but break the data: unknown or another company's tier, capacity, gross above face value.
            let data = """
                tier_id,sold_on,quantity,comps,gross_minor,external_ref
                \(tier),2027-03-01,6,0,,d-1
                \(theirTier),2027-03-01,1,0,,d-2
                \(tier),2027-03-02,3,2,,d-3
                \(tier),2027-03-03,1,0,1001,d-4
                """
            let broken = try await Self.upload(t.a, data)
            #expect(broken.status == .unprocessableContent)
            let issues = (broken.json["error"]?["info"]?["rows"]?.arrayValue ?? []).map {
                "\($0["line"]?.int ?? 0):\($0["field"]?.stringValue ?? ""):\($0["code"]?.stringValue ?? "")"
            }
            #expect(issues == ["3:tier_id:not_found", "4:quantity:capacity_exceeded", "5:gross_minor:above_face_value"])
            #expect(try await t.a.get("/api/event-ticket/event/\(event)/sales").json["total"] == 0)
            #expect(try await t.a.get("/api/event-ticket/\(ticket)").json["sold"] == 0)
        }
    }

    @Test func headersLimitsAndTheUpload() async throws {
        try await withTickets { t in
            let unknown = try await Self.upload(t.a, "tier_id,quantity,price\n")
            #expect(Set(unknown.errorFields) == ["lines[1].price", "lines[1].external_ref"])
            #expect(try await Self.upload(t.a, "").errorFields == ["file"])
            #expect(try await Self.upload(t.a, "tier_id,quantity,external_ref\n\"open,1,x\n").errorFields == ["lines[2].file"])
            let many = "tier_id,quantity,external_ref,sold_on\n" + String(repeating: "\(UUID()),1,r,2027-01-01\n", count: 10_001)
            let tooMany = try await Self.upload(t.a, many)
            #expect(tooMany.json["error"]?["details"]?[0]?["code"] == "too_many_rows")
            let huge = "tier_id,quantity,external_ref\n" + String(repeating: "x", count: 5 * 1024 * 1024)
            #expect(try await Self.upload(t.a, huge).status == .contentTooLarge)
            #expect(try await t.a.post("/api/event-ticket/import", ["file": "x"]).status == .unsupportedMediaType)
            #expect(try await Self.upload(t.a(permissions: [BasePermission.ticketsRead]), "tier_id\n").status == .forbidden)
        }
    }

    @Test func theExportIsQuotedFormulaSafeAndReimportable() async throws {
        try await withTickets { t in
            let event = try await t.makeEvent(t.companyA, currency: "JPY")
            let ticket = try await t.a.makeTicket(event, name: "=HYPERLINK(\"x\")", capacity: 100,
                                                  tiers: [["name": "Std, \"A\"", "priceMinor": 3000, "capacity": 100]])
            let tier = try #require(try await t.a.get("/api/event-ticket/\(ticket)/tiers").json[0]?["id"]?.uuid)
            #expect(try await t.a.post("/api/event-ticket/\(ticket)/sales", [
                "tierId": .string(tier.uuidString), "soldOn": "2027-04-01", "quantity": 2, "channel": "@outlet\nline", "externalRef": "x-1",
            ]).status == .created)
            let export = try await t.a.get("/api/event-ticket/event/\(event)/export")
            #expect(export.status == .ok)
            #expect(export.headers[.contentType] == "text/csv; charset=utf-8")
            let text = String(buffer: export.body)
            let lines = text.components(separatedBy: "\r\n")
            #expect(lines[0] == "sale_id,ticket_id,ticket_name,tier_id,tier_name,sold_on,period_start,period_end,quantity,comps,gross_minor,currency,channel,external_ref")
            #expect(text.contains(",\"'=HYPERLINK(\"\"x\"\")\",\(tier.uuidString.lowercased()),\"Std, \"\"A\"\"\",2027-04-01,,,2,0,6000,JPY,\"'@outlet\nline\",x-1\r\n"))
            // The export imports, and adds nothing: every row is already recorded.
            let again = try await TicketsImportTests.upload(t.a, text)
            #expect(again.json["skipped"] == 1)
            #expect(try await t.b.get("/api/event-ticket/event/\(event)/export").status == .notFound)
            #expect(try await t.a.get("/api/event-ticket/event/\(UUID())/export").status == .notFound)
            let empty = try await t.makeEvent(t.companyA)
            #expect(String(buffer: try await t.a.get("/api/event-ticket/event/\(empty)/export").body).hasPrefix("sale_id,"))
        }
    }
}
