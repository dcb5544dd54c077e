import Crypto
import Foundation
import Hummingbird
import KisumKernel
import KisumTesting
import NIOConcurrencyHelpers
import Testing

/// A stand-in for Platform Core's JWKS endpoint whose published keys the test changes.
final class FakeJWKSServer: Sendable {
    let published = NIOLockedValueBox<[TestKeys]>([])
    let fetches = NIOLockedValueBox(0)
    let failing = NIOLockedValueBox(false)

    func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            self.fetches.withLockedValue { $0 += 1 }
            if self.failing.withLockedValue({ $0 }) { return Response(status: .serviceUnavailable) }
            let jwks = JWKS(keys: self.published.withLockedValue { $0.map { JWK(publicKey: $0.privateKey.publicKey, kid: $0.kid) } })
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(jwks))))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }
}

@Suite("JWKS key source")
struct JWKSKeySourceTests {
    @Test func unknownKidTriggersARefreshThatFindsARotatedKey() async throws {
        let server = FakeJWKSServer()
        let first = TestKeys(kid: "k1")
        let second = TestKeys(kid: "k2")
        server.published.withLockedValue { $0 = [first] }
        try await withRunningApplication({ server.application(onRunning: $0) }) { port async throws in
            let source = JWKSKeySource(url: "http://127.0.0.1:\(port)/.well-known/jwks.json", minRefreshInterval: .zero)
            let verifier = AccessTokenVerifier(keys: source, issuer: first.issuer, audience: first.audience)
            _ = try await verifier.verify(first.token(userID: UUID()))
            #expect(server.fetches.withLockedValue { $0 } == 1)
            // Cached: no second fetch for a known kid.
            _ = try await verifier.verify(first.token(userID: UUID()))
            #expect(server.fetches.withLockedValue { $0 } == 1)
            // Platform Core rotates to k2; the first k2 token triggers one refresh.
            server.published.withLockedValue { $0 = [first, second] }
            let verified = try await verifier.verify(second.token(userID: UUID()))
            #expect(verified.claims.iss == second.issuer)
            #expect(server.fetches.withLockedValue { $0 } == 2)
        }
    }

    @Test func madeUpKidsDoNotCauseAFetchPerRequest() async throws {
        let server = FakeJWKSServer()
        let known = TestKeys(kid: "k1")
        server.published.withLockedValue { $0 = [known] }
        try await withRunningApplication({ server.application(onRunning: $0) }) { port async throws in
            let source = JWKSKeySource(url: "http://127.0.0.1:\(port)/.well-known/jwks.json", minRefreshInterval: .seconds(60))
            let known = try await source.key(for: "k1")
            #expect(known != nil)
            for index in 0..<5 {
                let bogus = try await source.key(for: "bogus-\(index)")
                #expect(bogus == nil)
            }
            #expect(server.fetches.withLockedValue { $0 } == 1)
        }
    }

    @Test func unreachableJWKSWithNothingCachedFailsClosedWith503() async throws {
        let source = JWKSKeySource(url: "http://127.0.0.1:1/.well-known/jwks.json")
        await #expect(throws: APIError.self) { _ = try await source.key(for: "k1") }
        do {
            _ = try await source.key(for: "k1")
        } catch let error as APIError {
            #expect(error.status == .serviceUnavailable)
            #expect(error.code == "auth_unavailable")
        }
    }
}
