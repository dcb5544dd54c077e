import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOCore
import PostgresNIO
import Testing

/// Issue 14: "the system-wide vendor catalog (… bulk import of a CSV with every bad row reported by line …)": staff
/// only, all rows or none, every problem of every line in one 422.
@Suite("Base vendors: catalog import")
struct VendorsImportTests {
    static func upload(_ api: APITestClient, _ csv: String, field: String = "file") async throws -> TestResponse {
        let boundary = "kisum-vendors-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"vendors.csv\"\r\nContent-Type: text/csv\r\n\r\n")
        body.writeString(csv)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if let token = api.token { headers[.authorization] = "Bearer \(token)" }
        if let org = api.org { headers[.xOrg] = org }
        return try await api.client.execute(uri: "/api/vendors-system/import", method: .post, headers: headers, body: body)
    }

    /// "line:field:code" of every issue a refused import lists.
    static func issues(_ response: TestResponse) -> [String] {
        (response.json["error"]?["info"]?["rows"]?.arrayValue ?? []).map {
            "\($0["line"]?.int ?? 0):\($0["field"]?.stringValue ?? ""):\($0["code"]?.stringValue ?? "")"
        }
    }

    @Test func aGoodFileImportsEveryRowWithItsServices() async throws {
        try await withVendors { t in
            let staff = t.staff
            try await staff.post("/api/vendors-system/categories", ["name": "Sound"])
            try await staff.post("/api/vendors-system/categories", ["name": "Catering"])
            let csv = """
                \u{FEFF}Name,category,email,phone,website,city,country,description,services\r
                Stage Right Audio,sound,hello@stageright.example,+31 20 1234,https://stageright.example,Amsterdam,nl,"PA, monitors",PA hire; Backline ;\r
                \r
                Good Food Co, Catering ,,,,,,,
                "Quote ""Q"" Transport",,,,,Berlin,DE,,
                """
            let imported = try await Self.upload(staff, csv)
            #expect(imported.status == .created)
            #expect(imported.json["rows"] == 3)
            #expect(imported.json["imported"] == 3)
            #expect(imported.json["services"] == 2)
            let list = try await t.a.get("/api/vendors-system").json["items"]?.arrayValue ?? []
            #expect(list.map { $0["name"] } == ["Good Food Co", "Quote \"Q\" Transport", "Stage Right Audio"])
            #expect(list[0]["categoryName"] == "Catering")
            #expect(list[1]["countryId"]?.stringValue == (try await t.a.get("/api/countries/iso/DE").json["id"]?.stringValue))
            #expect(list[2]["description"] == "PA, monitors")
            #expect(list[2]["services"]?.arrayValue?.map { $0["name"] } == ["Backline", "PA hire"])

            // A header and nothing else writes nothing.
            let empty = try await Self.upload(staff, "name,city\n")
            #expect(empty.status == .ok)
            #expect(empty.json["imported"] == 0)
        }
    }

    @Test func everyBadLineIsReportedAndNothingIsWritten() async throws {
        try await withVendors { t in
            let staff = t.staff
            try await staff.post("/api/vendors-system/categories", ["name": "Sound"])
            try await staff.post("/api/vendors-system", ["name": "Existing Audio"])
            // Lines parse, but break rules that need no database: reported all together, by line and column.
            let syntax = """
                name,category,email,phone,website,country,services
                Fine Vendor,Sound,,,,,
                ,Sound,,,,,
                Bad Contact,,not-mail,call me,ftp://x,,
                fine vendor,,,,,,
                Bad Country,,,,,Netherlands,a;A
                Short Row,,
                """
            let refused = try await Self.upload(staff, syntax)
            #expect(refused.status == .unprocessableContent)
            #expect(Set(Self.issues(refused)) == [
                "3:name:required", "4:email:invalid_email", "4:phone:invalid_phone", "4:website:invalid_url", "5:name:duplicate",
                "6:country:invalid_format", "6:services:duplicate", "7:file:column_count",
            ])
            #expect(refused.errorFields.contains("lines[5].name"))

            // Lines that parse but name what the database does not have, or a name it already has.
            let data = """
                name,category,country
                New Audio,sound,NL
                existing audio,,
                Unknown Category,Catering,
                Unknown Country,,XX
                """
            let broken = try await Self.upload(staff, data)
            #expect(broken.status == .unprocessableContent)
            #expect(Self.issues(broken) == ["3:name:already_exists", "4:category:not_found", "5:country:not_found"])
            #expect(try await t.a.get("/api/vendors-system").json["total"] == 1)
        }
    }

    @Test func headersLimitsAndTheUpload() async throws {
        try await withVendors { t in
            let staff = t.staff
            #expect(Set(try await Self.upload(staff, "category,price,city,city\n").errorFields)
                == ["lines[1].price", "lines[1].name", "lines[1].city"])
            #expect(try await Self.upload(staff, "").errorFields == ["file"])
            #expect(try await Self.upload(staff, "name\n\"open\n").errorFields == ["lines[2].file"])
            let tooMany = try await Self.upload(staff, "name\n" + (0...5_000).map { "v\($0)\n" }.joined())
            #expect(tooMany.json["error"]?["details"]?[0]?["code"] == "too_many_rows")
            let huge = "name\n" + String(repeating: "x", count: 2 * 1024 * 1024)
            #expect(try await Self.upload(staff, huge).status == .contentTooLarge)
            #expect(try await staff.post("/api/vendors-system/import", ["file": "x"]).status == .unsupportedMediaType)
            #expect(try await t.a.get("/api/vendors-system").json["total"] == 0)
        }
    }
}
