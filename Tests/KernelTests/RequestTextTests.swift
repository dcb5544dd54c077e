import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 16: text PostgreSQL cannot hold (U+0000) or that is not UTF-8 is refused in the kernel with a
/// 400 before any handler or SQL sees it; multipart bodies are split by code that cannot trap.
@Suite("Request text and multipart safety")
struct RequestTextTests {
    let keys = TestKeys()

    func withApp(_ body: @escaping @Sendable (APITestClient) async throws -> Void) async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        try await app.test(.router) { client in try await body(APITestClient(client)) }
    }

    @Test func nulAndInvalidUTF8InQueryOrPathAre400() async throws {
        try await withApp { api in
            // `GET /api/v1/teams?search=%00…` once answered 500 from PostgreSQL.
            for uri in ["/echo/x?q=a%00b", "/echo/x?q=%FF%FE", "/echo/x?q=%C3", "/echo/a%00b", "/echo/%E9t%E9", "/echo/x?q%00=1"] {
                let response = try await api.get(uri)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.errorCode == "invalid_text", "\(uri)")
            }
            let fine = try await api.get("/echo/caf%C3%A9?q=%C3%A9t%C3%A9%20100%25")
            #expect(fine.status == .ok)
            // Hummingbird hands path parameters over still percent-encoded; query values decoded.
            #expect(fine.text == "caf%C3%A9|été 100%")
            // A malformed escape is kept literally (Hummingbird's rule), not refused.
            #expect(try await api.get("/echo/x?q=50%zz").status == .ok)
        }
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        try await withApp { api in
            let wrong = try await api.request(.delete, "/widgets")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.errorCode == "method_not_allowed")
            #expect(wrong.headers[.allow] == "POST")
            let trace = try await api.request(.init("TRACE")!, "/echo/word")
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers[.allow] == "GET, HEAD, PATCH")
            #expect(try await api.request(.delete, "/no/such/path").status == .notFound)
            // A fixed segment wins over a parameter, as in the router: /echo/fixed is its own route.
            let fixed = try await api.request(.patch, "/echo/fixed")
            #expect(fixed.status == .methodNotAllowed)
            #expect(fixed.headers[.allow] == "GET, HEAD")
            #expect(try await api.get("/echo/word").status == .ok)
        }
    }

    @Test func nulEscapedInAJSONStringIs400() async throws {
        try await withApp { api in
            let response = try await api.request(.post, "/widgets", rawBody: #"{"name":"a\u0000b","size":2}"#)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_text")
            #expect(response.json["error"]?["details"]?[0]?["field"] == "body")
            // An escaped backslash followed by "u0000" is ordinary text.
            let literal = try await api.request(.post, "/widgets", rawBody: #"{"name":"\\u0000","size":2}"#)
            #expect(literal.status == .ok)
            #expect(literal.json["name"] == "\\u0000")
            // Invalid UTF-8 inside a JSON string is malformed JSON.
            let bytes = Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#"","size":2}"#.utf8)
            let invalid = try await api.requestBytes(.post, "/widgets", bytes)
            #expect(invalid.status == .badRequest)
        }
    }

    @Test func lengthsCountCodePointsAsJSONSchemaDoes() {
        // "é" written as e + combining acute: one character to Swift, two code points to JSON Schema.
        let accented = String(repeating: "e\u{301}", count: 6)
        var v = Validator()
        v.text(accented, "name", maxLength: 10)
        #expect(v.issues.map(\.code) == ["too_long"])
        var ok = Validator()
        ok.text(accented, "name", maxLength: 12)
        #expect(ok.isValid)
    }

    @Test func textSafetyRules() {
        #expect(TextSafety.isClean(Array("plain ascii".utf8)))
        #expect(TextSafety.isClean(Array("Zürich ✓".utf8)))
        #expect(!TextSafety.isClean([0x61, 0x00]))
        #expect(!TextSafety.isClean([0xFF]))
        #expect(!TextSafety.isClean([0xED, 0xA0, 0x80])) // a UTF-16 surrogate encoded in UTF-8
        #expect(TextSafety.isCleanPercentEncoded(Array("a%2Fb%".utf8)))
        #expect(!TextSafety.isCleanPercentEncoded(Array("%00".utf8)))
        #expect(TextSafety.jsonEscapesNUL(Array(#"["\u0000"]"#.utf8)))
        #expect(TextSafety.jsonEscapesNUL(Array(#"{"k\u0000":1}"#.utf8)))
        #expect(TextSafety.jsonEscapesNUL(Array(#"{"k":"\u00001"}"#.utf8)))
        #expect(!TextSafety.jsonEscapesNUL(Array(#"{"k":"\\u0000","n":"\u0001"}"#.utf8)))
    }

    @Test func multipartPartHeaderWithHighBytesIs400NotACrash() async throws {
        // The bytes that crashed Platform Core through multipart-kit (issue 16).
        let boundary = "3e61b45367bc5ad0dfbceaff5421c160"
        let crash = Array("--\(boundary)\r\n".utf8) + [0xBA, 0xF1, 0x8B, 0x82, 0x8B, 0xD5, 0x3A, 0x0B, 0x2C, 0xE9]
            + Array("--\(boundary)--\r\n".utf8)
        try await withApp { api in
            let response = try await api.requestBytes(.post, "/upload", crash, contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_multipart")

            let good = Array("preamble\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"caf\u{e9}.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
                + [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A] + Array("\r\n--\(boundary)--\r\nepilogue".utf8)
            let ok = try await api.requestBytes(.post, "/upload", good, contentType: "multipart/form-data; boundary=\"\(boundary)\"")
            #expect(ok.status == .ok)
            #expect(ok.text == "title:5,file:6")
        }
    }

    @Test func multipartParserRefusesEveryMalformedShape() throws {
        let b = "xyz"
        let cases: [String: [UInt8]] = [
            "no boundary": Array("hello".utf8),
            "no line break after boundary": Array("--xyzjunk".utf8),
            "unterminated headers": Array("--xyz\r\nContent-Disposition: form-data".utf8),
            "header without colon": Array("--xyz\r\nnonsense\r\n\r\nbody\r\n--xyz--".utf8),
            "header name with space": Array("--xyz\r\nBad Name: x\r\n\r\nbody\r\n--xyz--".utf8),
            "control byte in value": Array("--xyz\r\nA: b\u{1}c\r\n\r\nbody\r\n--xyz--".utf8),
            "invalid UTF-8 in value": Array("--xyz\r\nA: ".utf8) + [0xFF] + Array("\r\n\r\nbody\r\n--xyz--".utf8),
            "unclosed part": Array("--xyz\r\nA: b\r\n\r\nbody without end".utf8),
            "empty body": [],
            "only dashes": Array("--".utf8),
            "boundary at the very end": Array("--xyz".utf8),
        ]
        for (name, bytes) in cases {
            #expect(throws: APIError.self, "\(name)") { try MultipartForm(bytes, boundary: b) }
        }
        let many = (0..<20).map { _ in "--xyz\r\nA: b\r\n\r\nx\r\n" }.joined() + "--xyz--"
        #expect(throws: APIError.self) { try MultipartForm(Array(many.utf8), boundary: b, maxParts: 16) }
        let empty = try MultipartForm(Array("--xyz\r\n\r\nno headers\r\n--xyz--".utf8), boundary: b)
        #expect(empty.parts.count == 1)
        #expect(empty.parts.first?.headers.isEmpty == true)
        #expect(String(decoding: empty.parts.first?.body ?? [], as: UTF8.self) == "no headers")
        // Every prefix of a valid body is refused or parsed, never a trap.
        let valid = Array("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz--\r\n".utf8)
        for length in 0...valid.count { _ = try? MultipartForm(Array(valid.prefix(length)), boundary: b) }

        #expect(MultipartForm.boundary(inContentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartForm.boundary(inContentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(MultipartForm.boundary(inContentType: "multipart/form-data") == nil)
        #expect(MultipartForm.boundary(inContentType: "multipart/form-data; boundary=") == nil)
        #expect(MultipartForm.boundary(inContentType: "multipart/form-data; boundary=\(String(repeating: "a", count: 71))") == nil)
        #expect(MultipartForm.boundary(inContentType: "multipart/form-data; boundary=caf\u{e9}") == nil)
        #expect(MultipartForm.boundary(inContentType: "application/json; boundary=abc") == nil)
    }
}

extension APITestClient {
    /// Sends raw bytes (not necessarily UTF-8) as the body.
    func requestBytes(_ method: HTTPRequest.Method, _ uri: String, _ bytes: [UInt8],
                      contentType: String = "application/json") async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: [.contentType: contentType], body: ByteBuffer(bytes: bytes))
    }
}

@Suite("Dates from requests")
struct RequestDateTests {
    /// Issue 16 audit: the fallback ISO 8601 parser read years past 9999, and PostgresNIO traps while
    /// encoding such a date; RFC 3339 has four-digit years, so anything else is not a date.
    @Test func yearsOutsideRFC3339AreNotDates() {
        #expect(RFC3339.date(from: "9999-12-31T23:59:59Z") != nil)
        #expect(RFC3339.date(from: "9999-12-31T23:59:59.999999Z") != nil)
        #expect(RFC3339.date(from: "9999-12-31T23:59:59-23:59") != nil)
        #expect(RFC3339.date(from: "2026-12-05T10:00:00.123Z") != nil)
        #expect(RFC3339.date(from: "2000000-01-01T00:00:00Z") == nil)
        #expect(RFC3339.date(from: "+10000-01-01T00:00:00Z") == nil)
    }
}

@Suite("Test harness")
struct TestHarnessRuleTests {
    @Test func testDatabasesMustBeOnThisMachine() {
        #expect(TestPostgres.isLoopback("postgres://u:p@localhost:5432/db"))
        #expect(TestPostgres.isLoopback("postgres://u:p@127.0.0.1:5433/db"))
        #expect(TestPostgres.isLoopback("postgres://u:p@[::1]:5432/db"))
        #expect(TestPostgres.isLoopback("postgres://u@ignored/db?host=/var/run/postgresql"))
        #expect(!TestPostgres.isLoopback("postgres://u:p@db.example.com:5432/db"))
        #expect(!TestPostgres.isLoopback("postgres://u:p@10.0.0.5/db"))
        #expect(!TestPostgres.isLoopback("postgres://u:p@127.0.0.1.evil.com/db"))
    }
}

@Suite("Paging arithmetic")
struct PagingArithmeticTests {
    @Test func offsetsSaturateInsteadOfTrapping() {
        #expect(PageRequest(page: 3, limit: 20).offset == 40)
        #expect(PageRequest(page: Int.max, limit: Int.max).offset == Int.max)
        #expect(PageRequest(page: Int.min, limit: 10).offset == 0)
    }
}
