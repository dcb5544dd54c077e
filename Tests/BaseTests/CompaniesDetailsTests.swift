import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 8, Companies: "Upload company logo (multipart)" and "Get / Update company business settings" —
/// with "another company's ids answer 404, every bad input a 4xx with a stable code".
@Suite("Base companies: logo and business settings")
struct CompaniesDetailsTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 300)
    static let webp: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8) + Array(repeating: 1, count: 80)

    static func upload(_ api: APITestClient, _ path: String, _ bytes: [UInt8], field: String = "file", filename: String = "logo.png",
                       declared: String = "image/png", contentType: String? = nil) async throws -> TestResponse {
        let boundary = "kisum-logo-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: \(declared)\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers: HTTPFields = [.contentType: contentType ?? "multipart/form-data; boundary=\(boundary)"]
        if let token = api.token { headers[.authorization] = "Bearer \(token)" }
        if let org = api.org { headers[.xOrg] = org }
        return try await api.client.execute(uri: path, method: .post, headers: headers, body: body)
    }

    static func record(_ api: APITestClient, _ name: String = "Sponsor Co") async throws -> String {
        let created = try await api.post("/api/companies", ["name": .string(name), "kind": "sponsor", "currency": "GBP"])
        return try #require(created.json["id"]?.stringValue)
    }

    @Test func aLogoIsStoredByContentAndServedWithAnETag() async throws {
        try await CompaniesTests.withCompanies { t in
            let id = try await Self.record(t.a)
            #expect(try await t.a.get("/api/companies/\(id)/logo").errorCode == "logo_not_found")
            // Named .txt and declared text/plain: the bytes say PNG, and the bytes decide.
            let uploaded = try await Self.upload(t.a, "/api/companies/\(id)/logo", Self.png, filename: "logo.txt", declared: "text/plain")
            #expect(uploaded.status == .ok)
            #expect(uploaded.json["logoUrl"]?.stringValue == "/api/companies/\(id)/logo")
            #expect(try await t.a.get("/api/companies/\(id)").json["logoUrl"]?.stringValue == "/api/companies/\(id)/logo")

            let served = try await t.a.get("/api/companies/\(id)/logo")
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "image/png")
            #expect(Array(served.body.readableBytesView) == Self.png)
            let etag = try #require(served.headers[.eTag])
            #expect(etag.count == 66 && etag.hasPrefix("\"") && etag.hasSuffix("\""))

            let cached = try await t.a.request(.get, "/api/companies/\(id)/logo", headers: [.ifNoneMatch: "\"other\", W/\(etag)"])
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)
            #expect(cached.headers[.eTag] == etag)
            #expect(try await t.a.request(.get, "/api/companies/\(id)/logo", headers: [.ifNoneMatch: "*"]).status == .notModified)
            #expect(try await t.a.request(.get, "/api/companies/\(id)/logo", headers: [.ifNoneMatch: "\"stale\""]).status == .ok)

            // A new upload replaces the old one: new type, new tag, the old tag no longer matches.
            #expect(try await Self.upload(t.a, "/api/companies/\(id)/logo", Self.webp, filename: "x.png").status == .ok)
            let replaced = try await t.a.request(.get, "/api/companies/\(id)/logo", headers: [.ifNoneMatch: etag])
            #expect(replaced.status == .ok)
            #expect(replaced.headers[.contentType] == "image/webp")
            #expect(replaced.headers[.eTag] != etag)

            // Deleting the record takes its logo with it.
            #expect(try await t.a.delete("/api/companies/\(id)").status == .noContent)
            #expect(try await t.a.get("/api/companies/\(id)/logo").status == .notFound)
        }
    }

    @Test func uploadsThatAreNotImagesOrTooLargeOrNotMultipartAreRefused() async throws {
        try await CompaniesTests.withCompanies { t in
            let id = try await Self.record(t.a)
            let path = "/api/companies/\(id)/logo"
            let svg = try await Self.upload(t.a, path, Array("<svg onload=alert(1)>".utf8), filename: "logo.png", declared: "image/png")
            #expect(svg.status == .unprocessableContent)
            #expect(svg.errorCode == "unsupported_media_type")
            #expect(try await Self.upload(t.a, path, []).errorCode == "unsupported_media_type")
            let big = try await Self.upload(t.a, path, Self.png + Array(repeating: 0, count: 1024 * 1024))
            #expect(big.status == .contentTooLarge)
            #expect(big.errorCode == "payload_too_large")
            let json = try await t.a.post(path, ["file": "x"])
            #expect(json.status == .unsupportedMediaType)
            #expect(json.errorCode == "unsupported_media_type")
            let broken = try await Self.upload(t.a, path, Self.png, contentType: "multipart/form-data; boundary=other")
            #expect(broken.errorCode == "invalid_multipart")
            #expect(try await t.a.get("/api/companies/\(id)/logo").errorCode == "logo_not_found")
            // Exactly 1 MiB is allowed.
            let limit = Self.png + Array(repeating: 0, count: 1024 * 1024 - Self.png.count)
            #expect(try await Self.upload(t.a, path, limit).status == .ok)
        }
    }

    @Test func logoPermissionsAndAnotherCompanysIds() async throws {
        try await CompaniesTests.withCompanies { t in
            let id = try await Self.record(t.a)
            #expect(try await Self.upload(t.a, "/api/companies/\(id)/logo", Self.png).status == .ok)
            let reader = t.a(permissions: ["basic.companies.read"])
            #expect(try await reader.get("/api/companies/\(id)/logo").status == .ok)
            #expect(try await Self.upload(reader, "/api/companies/\(id)/logo", Self.png).errorCode == "permission_denied")
            #expect(try await t.a(permissions: []).get("/api/companies/\(id)/logo").errorCode == "permission_denied")
            #expect(try await Self.upload(t.b, "/api/companies/\(id)/logo", Self.png).status == .notFound)
            #expect(try await t.b.get("/api/companies/\(id)/logo").status == .notFound)
            #expect(try await Self.upload(t.a, "/api/companies/\(UUID())/logo", Self.png).status == .notFound)
        }
    }

    @Test func settingsAreDefaultsUntilSavedAndAPutReplacesThem() async throws {
        try await CompaniesTests.withCompanies { t in
            let id = try await Self.record(t.a)
            let defaults = try await t.a.get("/api/companies/\(id)/settings")
            #expect(defaults.status == .ok)
            #expect(defaults.json["isDefault"] == true)
            #expect(defaults.json["defaultCurrency"] == "GBP")
            #expect(defaults.json["timezone"] == "UTC")
            #expect(defaults.json["fiscalYearStartMonth"] == 1)
            #expect(defaults.json["paymentTermsDays"] == 30)
            #expect(defaults.json["invoicePrefix"] == "INV-")
            #expect(defaults.json["updatedAt"] == .null)

            let saved = try await t.a.put("/api/companies/\(id)/settings", [
                "defaultCurrency": "EUR", "timezone": "Europe/Amsterdam", "locale": "nl-NL", "fiscalYearStartMonth": 4,
                "invoicePrefix": "KIS-2025/", "paymentTermsDays": 14, "vatNumber": "NL123456789B01", "defaultVatRateBasisPoints": 2100,
            ])
            #expect(saved.status == .ok)
            #expect(saved.json["isDefault"] == false)
            #expect(saved.json["locale"] == "nl-NL")
            #expect(saved.json["defaultVatRateBasisPoints"] == 2100)
            #expect(saved.json["companyId"]?.stringValue == id)
            let read = try await t.a.get("/api/companies/\(id)/settings")
            #expect(read.json["timezone"] == "Europe/Amsterdam")
            #expect(read.json["fiscalYearStartMonth"] == 4)

            // A field left out takes its default again.
            let replaced = try await t.a.put("/api/companies/\(id)/settings", ["paymentTermsDays": 0])
            #expect(replaced.json["paymentTermsDays"] == 0)
            #expect(replaced.json["timezone"] == "UTC")
            #expect(replaced.json["vatNumber"] == .null)
            #expect(replaced.json["isDefault"] == false)
        }
    }

    @Test func settingsValidationPermissionsAndAnotherCompanysIds() async throws {
        try await CompaniesTests.withCompanies { t in
            let id = try await Self.record(t.a)
            let bad = try await t.a.put("/api/companies/\(id)/settings", [
                "defaultCurrency": "XYZ", "timezone": "Mars/Olympus", "locale": "english", "fiscalYearStartMonth": 13,
                "invoicePrefix": "INV\n", "paymentTermsDays": 366, "vatNumber": "NL<1>", "defaultVatRateBasisPoints": 10001,
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["defaultCurrency", "timezone", "locale", "fiscalYearStartMonth", "invoicePrefix",
                                             "paymentTermsDays", "vatNumber", "defaultVatRateBasisPoints"])
            // Offset spellings are not IANA names.
            #expect(try await t.a.put("/api/companies/\(id)/settings", ["timezone": "GMT+5"]).errorFields == ["timezone"])
            #expect(try await t.a.put("/api/companies/\(id)/settings", ["paymentTermsDays": "30"]).status == .badRequest)
            #expect(try await t.a.request(.put, "/api/companies/\(id)/settings", rawBody: "[").errorCode == "invalid_body")

            let reader = t.a(permissions: ["basic.companies.read"])
            #expect(try await reader.get("/api/companies/\(id)/settings").status == .ok)
            #expect(try await reader.put("/api/companies/\(id)/settings", [:]).errorCode == "permission_denied")
            #expect(try await t.a(permissions: []).get("/api/companies/\(id)/settings").errorCode == "permission_denied")

            #expect(try await t.b.get("/api/companies/\(id)/settings").status == .notFound)
            #expect(try await t.b.put("/api/companies/\(id)/settings", ["paymentTermsDays": 1]).status == .notFound)
            #expect(try await t.a.get("/api/companies/\(id)/settings").json["isDefault"] == true)
            #expect(try await t.a.get("/api/companies/\(UUID())/settings").status == .notFound)
        }
    }
}
