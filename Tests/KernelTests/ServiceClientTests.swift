import Foundation
import Hummingbird
import KisumKernel
import KisumServiceClient
import KisumTesting
import NIOConcurrencyHelpers
import Testing

/// A peer service whose behaviour each test scripts.
final class ScriptedPeer: Sendable {
    let hits = NIOLockedValueBox<[String: Int]>([:])
    let seen = NIOLockedValueBox<[String: String]>([:])

    func count(_ path: String) -> Int { hits.withLockedValue { $0[path] ?? 0 } }

    func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("/ok") { request, _ -> Response in
            self.record("/ok", request)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"answer":42}"#)))
        }
        router.get("/slow") { request, _ -> String in
            self.record("/slow", request)
            try await Task.sleep(for: .seconds(2))
            return "late"
        }
        // Fails twice with 503, then succeeds: a transient outage.
        router.get("/flaky") { request, _ -> Response in
            let attempt = self.record("/flaky", request)
            return attempt <= 2 ? Response(status: .serviceUnavailable) : Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.post("/flaky") { request, _ -> Response in
            self.record("/flaky-post", request)
            return Response(status: .serviceUnavailable)
        }
        router.post("/echo") { request, _ -> Response in
            self.record("/echo", request)
            let body = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    @discardableResult
    private func record(_ path: String, _ request: Request) -> Int {
        seen.withLockedValue {
            $0["x-request-id"] = request.headers[.requestID]
            $0["x-internal-api-key"] = request.headers[.internalAPIKey]
            $0["x-org"] = request.headers[.xOrg]
        }
        return hits.withLockedValue { hits in
            hits[path, default: 0] += 1
            return hits[path]!
        }
    }
}

@Suite("libcurl service client")
struct ServiceClientTests {
    struct Answer: Codable, Equatable { var answer: Int }

    func client(_ port: Int, timeout: Duration = .seconds(2)) -> ServiceClient {
        ServiceClient(name: "peer", baseURL: "http://127.0.0.1:\(port)", internalAPIKey: "peer-key-000000000000000000001",
                      timeout: timeout, retry: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(10)))
    }

    @Test func successDecodesJSONAndSendsTheInternalKeyAndTenant() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            let answer: Answer = try await client(port).json("GET", "/ok", orgID: "0b7c7a52-7d5b-4a8e-9a5e-3c8f0e2d9a11")
            #expect(answer == Answer(answer: 42))
            #expect(peer.seen.withLockedValue { $0["x-internal-api-key"] } == "peer-key-000000000000000000001")
            #expect(peer.seen.withLockedValue { $0["x-org"] } == "0b7c7a52-7d5b-4a8e-9a5e-3c8f0e2d9a11")
        }
    }

    @Test func postBodiesArriveIntact() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            let echoed: Answer = try await client(port).json("POST", "/echo", body: Answer(answer: 7))
            #expect(echoed == Answer(answer: 7))
        }
    }

    @Test func requestIDOfTheIncomingRequestIsForwarded() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            _ = try await OutboundContext.$requestID.withValue("req-abc-123") {
                try await client(port).send("GET", "/ok")
            }
            #expect(peer.seen.withLockedValue { $0["x-request-id"] } == "req-abc-123")
        }
    }

    @Test func timeoutIsATypedErrorThatMapsTo504() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            let slowClient = ServiceClient(name: "peer", baseURL: "http://127.0.0.1:\(port)", internalAPIKey: nil,
                                           timeout: .milliseconds(200), retry: .none)
            do {
                _ = try await slowClient.send("GET", "/slow")
                Issue.record("expected a timeout")
            } catch let error as ServiceClientError {
                guard case .timeout(let service, _) = error else { Issue.record("got \(error)"); return }
                #expect(service == "peer")
                #expect(error.apiError.status == .gatewayTimeout)
            }
        }
    }

    @Test func aTimedOutAttemptIsNotRetried() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            let started = ContinuousClock.now
            await #expect(throws: ServiceClientError.self) { try await client(port, timeout: .milliseconds(800)).send("GET", "/slow") }
            // One deadline, not three (three attempts would take 2.4 s at least): a hung peer costs its timeout once.
            #expect(started.duration(to: .now) < .seconds(2))
            try await Task.sleep(for: .seconds(1))
            #expect(peer.count("/slow") <= 1)
        }
    }

    @Test func idempotentCallIsRetriedThroughATransientOutage() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            let response = try await client(port).send("GET", "/flaky")
            #expect(response.status == 200)
            #expect(peer.count("/flaky") == 3)
        }
    }

    @Test func postIsNeverRetried() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            let response = try await client(port).send("POST", "/flaky", body: Array("{}".utf8))
            #expect(response.status == 503)
            #expect(peer.count("/flaky-post") == 1)
        }
    }

    @Test func postWithAnIdempotencyKeyMayBeRetried() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            let response = try await client(port).send("POST", "/flaky", body: Array("{}".utf8), headers: [("Idempotency-Key", "k-1")])
            #expect(response.status == 503)
            #expect(peer.count("/flaky-post") == 3)
        }
    }

    @Test func refusedConnectionIsUnreachableAndMapsTo503() async throws {
        let refused = ServiceClient(name: "peer", baseURL: "http://127.0.0.1:1", internalAPIKey: nil, retry: .none)
        do {
            _ = try await refused.send("GET", "/ok")
            Issue.record("expected a connection failure")
        } catch let error as ServiceClientError {
            guard case .unreachable = error else { Issue.record("got \(error)"); return }
            #expect(error.apiError.status == .serviceUnavailable)
            #expect(error.apiError.code == "dependency_unavailable")
        }
    }

    @Test func unexpectedStatusIsReported() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            await #expect(throws: ServiceClientError.self) {
                let _: Answer = try await client(port).json("GET", "/missing")
            }
        }
    }

    @Test func manyConcurrentCallsShareThePool() async throws {
        let peer = ScriptedPeer()
        try await withRunningApplication({ peer.application(onRunning: $0) }) { port async throws in
            let client = client(port)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 { group.addTask { try await client.send("GET", "/ok").status } }
                for try await status in group { #expect(status == 200) }
            }
            #expect(peer.count("/ok") == 40)
        }
    }
}
