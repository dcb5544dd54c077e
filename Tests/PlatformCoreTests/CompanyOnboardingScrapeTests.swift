import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOConcurrencyHelpers
import NIOCore
import PlatformCore
import Testing

/// A company website served on 127.0.0.1 for the scrape job (loopback is admitted only by the test setting).
struct FakeCompanySite {
    static let page = """
        <!DOCTYPE html><html><head>
        <!-- <title>Not this</title> -->
        <meta charset="utf-8"><title>  Blue Note &amp; Co
          — Jazz Club </title>
        <meta property="og:site_name" content="Blue Note">
        <meta name="description" content="Live jazz every night &#8211; since 1981.">
        <script>var s = "<a href='/fake'>fake</a>";</script>
        </head><body>
        <a href="/about">About <b>us</b></a> <a href='https://tickets.example/buy?x=1#top'>Tickets</a>
        <a href="mailto:hi@example.com">Mail</a> <a href=/about>Again</a> <a href="#main">Skip</a>
        </body></html>
        """

    static func application(gate: NIOLockedValueBox<Bool> = .init(true), onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        // Answers once the test opens the gate (at most 60 s), so a job is certainly mid-flight meanwhile.
        router.get("/gated") { _, _ in
            let deadline = ContinuousClock.now + .seconds(60)
            while !gate.withLockedValue({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            return html(page)
        }
        router.get("/page") { _, _ in html(page) }
        router.get("/moved") { _, _ in Response(status: .movedPermanently, headers: [.location: "/page"]) }
        router.get("/inside") { _, _ in Response(status: .found, headers: [.location: "http://169.254.169.254/latest/meta-data/"]) }
        router.get("/big") { _, _ in html("<html><title>Big</title>" + String(repeating: "x", count: 200_000)) }
        router.get("/plain") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "just text")))
        }
        router.get("/gone") { _, _ in Response(status: .notFound) }
        // Unterminated everything, stray bytes and a NUL: the extractor must still finish with what it found.
        router.get("/hostile") { _, _ in
            var bytes = Array("<html><title>Half &#xFFFFFFFF; &#0; &bogus".utf8) + [0xFF, 0xFE, 0x00]
            bytes += Array("<a href='/x".utf8) + Array(repeating: UInt8(ascii: "<"), count: 5000) + Array("<!-- never <script".utf8)
            return Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

@Suite("Company onboarding website scrape")
struct CompanyOnboardingScrapeTests {
    /// Polls progress until the job settles (generous deadline: the machine is shared).
    static func settle(_ client: APITestClient, _ taskID: String) async throws -> JSONValue {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let progress = try await client.get("/api/v1/onboarding/company/scrape/\(taskID)/progress")
            if let status = progress.json["status"]?.stringValue, status == "COMPLETED" || status == "FAILED" { return progress.json }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("scrape \(taskID) did not settle")
        return .null
    }

    @Test func aPageIsFetchedAndItsTitleDescriptionAndLinksExtracted() async throws {
        try await withRunningApplication({ FakeCompanySite.application(onRunning: $0) }) { port async throws in
            let h = try await Harness.make { $0.scrape.allowLoopback = true; $0.scrape.maxBytes = 65_536 }
            let crew = try await AccessCrew.make(h)
            let stranger = try await h.user()
            let elsewhere = try await h.workspace(owner: stranger)
            try await h.run { api async throws in
                let admin = crew.client(api, "admin")
                _ = try await admin.post("/api/v1/onboarding/company/start")
                let started = try await admin.post("/api/v1/onboarding/company/scrape", ["url": .string("http://127.0.0.1:\(port)/moved")])
                #expect(started.status == .ok)
                #expect(started.json["status"] == "PENDING")
                let task = try #require(started.json["task_id"]?.stringValue)
                #expect(started.json["stream_url"]?.stringValue?.hasSuffix("/scrape/\(task)/stream") == true)

                let settled = try await Self.settle(crew.client(api, "viewer"), task)
                #expect(settled["status"] == "COMPLETED")
                #expect(settled["progress"] == 100)
                let result = try await crew.client(api, "viewer").get("/api/v1/onboarding/company/scrape/\(task)/result")
                #expect(result.status == .ok)
                let context = result.json["company_context"]
                #expect(context?["title"] == "Blue Note & Co — Jazz Club")
                #expect(context?["name"] == "Blue Note")
                #expect(context?["description"] == "Live jazz every night – since 1981.")
                #expect(result.json["final_url"] == .string("http://127.0.0.1:\(port)/page"))
                #expect(result.json["source_urls"]?.strings == ["http://127.0.0.1:\(port)/moved", "http://127.0.0.1:\(port)/page"])
                #expect(result.json["confidence"]?["description"] == 1)
                let links = result.json["links"]?.arrayValue ?? []
                #expect(links.compactMap { $0["url"]?.stringValue } == ["http://127.0.0.1:\(port)/about", "https://tickets.example/buy?x=1"])
                #expect(links.first?["text"] == "About us")

                // The finished scrape completed the website step.
                let status = try await admin.get("/api/v1/onboarding/company/status")
                #expect(status.json["completed_steps"] == ["company_profile", "website"])

                // The stream of a finished job: its final event, then the end.
                let stream = try await admin.get("/api/v1/onboarding/company/scrape/\(task)/stream")
                #expect(stream.status == .ok)
                #expect(stream.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                #expect(stream.text.hasPrefix("event: completed\ndata: "))
                #expect(stream.text.contains("\"description\":\"Live jazz every night – since 1981.\""))

                // Another workspace's task is not found; neither is a malformed id.
                let outsider = api.with(token: try await h.token(for: stranger)).workspaceHeader(elsewhere.id)
                for suffix in ["progress", "result", "stream"] {
                    #expect(try await outsider.get("/api/v1/onboarding/company/scrape/\(task)/\(suffix)").status == .notFound)
                }
                #expect(try await admin.get("/api/v1/onboarding/company/scrape/not-a-uuid/progress").status == .notFound)
            }
        }
    }

    @Test func theStreamFollowsARunningJobToItsEnd() async throws {
        let gate = NIOLockedValueBox(false)
        try await withRunningApplication({ FakeCompanySite.application(gate: gate, onRunning: $0) }) { port async throws in
            let h = try await Harness.make { $0.scrape.allowLoopback = true }
            let crew = try await AccessCrew.make(h)
            try await h.run { api async throws in
                let admin = crew.client(api, "admin")
                let started = try await admin.post("/api/v1/onboarding/company/scrape", ["url": .string("http://127.0.0.1:\(port)/gated")])
                let task = try #require(started.json["task_id"]?.stringValue)
                async let streamed = admin.get("/api/v1/onboarding/company/scrape/\(task)/stream")
                // Open the gate only once the job is fetching.
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    if try await admin.get("/api/v1/onboarding/company/scrape/\(task)/progress").json["stage"] == "fetching" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try await admin.get("/api/v1/onboarding/company/scrape/\(task)/result").errorCode == "scrape_not_finished")
                gate.withLockedValue { $0 = true }
                let stream = try await streamed
                let events = stream.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
                #expect(events.last == "completed")
                #expect(events.dropLast().allSatisfy { $0 == "progress" })
                #expect(stream.text.contains("\"title\":\"Blue Note & Co — Jazz Club\""))
            }
        }
    }

    @Test func failuresAreReportedWithStableCodes() async throws {
        try await withRunningApplication({ FakeCompanySite.application(onRunning: $0) }) { port async throws in
            let h = try await Harness.make { $0.scrape.allowLoopback = true; $0.scrape.maxBytes = 65_536 }
            let crew = try await AccessCrew.make(h)
            try await h.run { api async throws in
                let admin = crew.client(api, "admin")
                for (path, code) in [("inside", "url_not_allowed"), ("big", "page_too_large"), ("plain", "not_html"), ("gone", "fetch_failed")] {
                    let started = try await admin.post("/api/v1/onboarding/company/scrape", ["url": .string("http://127.0.0.1:\(port)/\(path)")])
                    let task = try #require(started.json["task_id"]?.stringValue)
                    let settled = try await Self.settle(admin, task)
                    #expect(settled["status"] == "FAILED", "\(path)")
                    #expect(settled["error_code"] == .string(code), "\(path)")
                    let result = try await admin.get("/api/v1/onboarding/company/scrape/\(task)/result")
                    #expect(result.status == .conflict)
                    #expect(result.errorCode == "scrape_failed")
                    #expect(result.json["error"]?["info"]?["error_code"] == .string(code))
                }
                let hostile = try await admin.post("/api/v1/onboarding/company/scrape", ["url": .string("http://127.0.0.1:\(port)/hostile")])
                let hostileTask = try #require(hostile.json["task_id"]?.stringValue)
                #expect(try await Self.settle(admin, hostileTask)["status"] == "COMPLETED")
                let salvaged = try await admin.get("/api/v1/onboarding/company/scrape/\(hostileTask)/result")
                #expect(salvaged.json["company_context"]?["title"]?.stringValue?.hasPrefix("Half &#xFFFFFFFF; &#0; &bogus") == true)
                #expect(salvaged.json["company_context"]?["description"] == .null)
                #expect(salvaged.json["links"] == [])

                let stream = try await admin.get("/api/v1/onboarding/company/scrape/\(UUID().uuidString)/stream")
                #expect(stream.status == .notFound)
            }
        }
    }

    @Test func privateAddressesAreRefusedBeforeAnyJob() async throws {
        let h = try await Harness.make()
        let crew = try await AccessCrew.make(h)
        try await h.run { api async throws in
            let admin = crew.client(api, "admin")
            for url in ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/", "http://[::1]/",
                        "https://192.168.1.1/admin"] {
                let r = try await admin.post("/api/v1/onboarding/company/scrape", ["url": .string(url)])
                #expect(r.status == .unprocessableContent, "\(url)")
                #expect(r.errorDetailCodes == ["url_not_allowed"], "\(url)")
            }
            #expect(try await admin.post("/api/v1/onboarding/company/scrape", ["url": "ftp://example.com/"]).errorDetailCodes == ["invalid_url"])
            #expect(try await admin.post("/api/v1/onboarding/company/scrape", ["url": "https://user:pw@example.com/"]).errorDetailCodes == ["invalid_url"])
            #expect(try await admin.post("/api/v1/onboarding/company/scrape", [:]).errorDetailCodes == ["required"])
            #expect(try await admin.request(.post, "/api/v1/onboarding/company/scrape", rawBody: "[").status == .badRequest)
            #expect(try await h.count("SELECT count(*)::int FROM onboarding_scrape_jobs") == 0)
        }
    }
}
