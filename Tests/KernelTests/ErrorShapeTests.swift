import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

@Suite("Error shape, request ids and request helpers")
struct ErrorShapeTests {
    let keys = TestKeys()

    func withApp(_ body: @escaping @Sendable (APITestClient) async throws -> Void) async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        try await app.test(.router) { client in try await body(APITestClient(client)) }
    }

    @Test func unknownRouteIs404InTheSharedShapeWithTheRequestID() async throws {
        try await withApp { api in
            let response = try await api.get("/nope")
            #expect(response.status == .notFound)
            let error = response.json["error"]
            #expect(error?["code"]?.stringValue == "not_found")
            #expect(error?["message"]?.stringValue?.isEmpty == false)
            #expect(error?["details"]?.arrayValue?.isEmpty == true)
            // Issue 13, item 15: absent optionals are sent as null, error bodies included.
            #expect(error?["info"] == .null)
            let requestID = try #require(response.headers[.requestID])
            #expect(error?["requestId"]?.stringValue == requestID)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test func callerRequestIDIsAdoptedAndEchoed() async throws {
        try await withApp { api in
            let response = try await api.with(header: "X-Request-ID", "abc-123").get("/health/live")
            #expect(response.headers[.requestID] == "abc-123")
            // Unsafe ids are replaced rather than echoed into logs and headers.
            let unsafe = try await api.with(header: "X-Request-ID", "bad id\u{7f}<script>").get("/health/live")
            #expect(unsafe.headers[.requestID] != nil)
            #expect(unsafe.headers[.requestID] != "bad id\u{7f}<script>")
        }
    }

    @Test func unexpectedErrorsAre500WithoutDetail() async throws {
        try await withApp { api in
            let response = try await api.get("/boom")
            #expect(response.status == .internalServerError)
            #expect(response.errorCode == "internal_error")
            #expect(!response.text.contains("Boom"))
        }
    }

    @Test func malformedJSONIs400WithTheOffendingField() async throws {
        try await withApp { api in
            let broken = try await api.request(.post, "/widgets", rawBody: "{not json")
            #expect(broken.status == .badRequest)
            #expect(broken.errorCode == "invalid_body")

            let wrongType = try await api.post("/widgets", ["name": "ok", "size": "big"])
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.json["error"]?["details"]?[0]?["field"]?.stringValue == "size")

            let empty = try await api.request(.post, "/widgets")
            #expect(empty.status == .badRequest)
            #expect(empty.errorCode == "invalid_body")
        }
    }

    @Test func semanticProblemsAre422ListingEveryField() async throws {
        try await withApp { api in
            let response = try await api.post("/widgets", ["name": "a name that is far too long", "size": 9])
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "validation_failed")
            let fields = Set(response.json["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(fields == ["name", "size"])

            let ok = try await api.post("/widgets", ["name": "short", "size": 3])
            #expect(ok.status == .ok)
        }
    }

    @Test func pagingIsBounded() async throws {
        try await withApp { api in
            let page = try await api.get("/page?page=3&limit=10")
            #expect(page.status == .ok)
            #expect(page.json["page"]?.int == 3)
            #expect(page.json["limit"]?.int == 10)
            #expect(page.json["items"]?[0]?.int == 20)
            #expect(page.json["total"]?.int == 1000)
            for bad in ["page=0", "limit=0", "limit=1000", "page=abc"] {
                let response = try await api.get("/page?\(bad)")
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.errorCode == "invalid_query")
            }
        }
    }

    @Test func healthAndMetricsAnswer() async throws {
        try await withApp { api in
            #expect(try await api.get("/health/live").status == .ok)
            #expect(try await api.get("/health/ready").json["status"]?.stringValue == "ok")
            _ = try await api.get("/nope")
            let metrics = try await api.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("hb_requests") || metrics.text.contains("hb_request"))
            #expect(try await api.get("/openapi.yaml").text.hasPrefix("openapi: 3.1.0"))
        }
    }

    @Test func rfc3339RoundTrips() throws {
        let date = try #require(RFC3339.date(from: "2026-05-01T18:30:00Z"))
        #expect(RFC3339.date(from: "2026-05-01T20:30:00+02:00") == date)
        #expect(RFC3339.date(from: "2026-05-01T18:30:00.000Z") == date)
        #expect(RFC3339.date(from: RFC3339.string(from: date)) == date)
        #expect(RFC3339.date(from: "yesterday") == nil)
        #expect(RFC3339.date(from: "2026-05-01") == nil)
    }
}

@Suite("Snake-case coding")
struct SnakeCaseCodingTests {
    struct Member: Codable, Equatable {
        var userId: String
        var createdAt: Date
        var settings: JSONValue
    }

    @Test func propertyNamesConvertButFreeFormKeysDoNot() throws {
        let member = Member(userId: "u1", createdAt: Date(timeIntervalSince1970: 0), settings: ["themeColor": "red"])
        let json = String(decoding: try JSONCoding.snakeCaseEncoder.encode(member), as: UTF8.self)
        #expect(json.contains("\"user_id\""))
        #expect(json.contains("\"created_at\":\"1970-01-01T00:00:00"))
        #expect(json.contains("\"themeColor\""))
        let decoded = try JSONCoding.snakeCaseDecoder.decode(Member.self, from: Data(json.utf8))
        #expect(decoded.userId == "u1")
    }
}
