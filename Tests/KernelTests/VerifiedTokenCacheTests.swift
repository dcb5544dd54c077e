import Crypto
import HTTPTypes
import Hummingbird
import Foundation
import KisumKernel
import KisumTesting
import Synchronization
import Testing

/// A token is verified once and then served from the cache until it expires; nothing that failed is cached.
@Suite("Verified-token cache")
struct VerifiedTokenCacheTests {
    let keys = TestKeys()
    let user = UUID()

    /// Counts key lookups: one per full verification, none for a cache hit.
    final class CountingKeys: VerificationKeySource {
        let inner: StaticKeySource
        let lookups = Mutex(0)
        init(_ inner: StaticKeySource) { self.inner = inner }
        func key(for kid: String) async throws -> VerificationKey? {
            lookups.withLock { $0 += 1 }
            return try await inner.key(for: kid)
        }
        var count: Int { lookups.withLock { $0 } }
    }

    final class Clock: Sendable {
        let offset = Mutex<TimeInterval>(0)
        func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    }

    func verifier(_ source: CountingKeys, clock: Clock = Clock(), capacity: Int = 100) -> AccessTokenVerifier {
        AccessTokenVerifier(keys: source, issuer: keys.issuer, audience: keys.audience, now: { clock.now() },
                            cache: VerifiedTokenCache(capacity: capacity))
    }

    func code(_ body: () async throws -> Void) async -> String? {
        do { try await body(); return nil } catch let error as APIError { return error.code } catch { return "\(error)" }
    }

    @Test func aTokenIsVerifiedOnceThenServedFromTheCache() async throws {
        let source = CountingKeys(keys.keySource)
        let verifier = verifier(source)
        let token = keys.token(userID: user, email: "a@example.com")
        let first = try await verifier.verify(token)
        let second = try await verifier.verify(token)
        #expect(first.identity == second.identity)
        #expect(second.identity.userID == user)
        #expect(second.identity.email == "a@example.com")
        #expect(source.count == 1)
    }

    @Test func aCachedTokenStillExpiresOnTheVerifiersClock() async throws {
        let source = CountingKeys(keys.keySource)
        let clock = Clock()
        let verifier = verifier(source, clock: clock)
        let token = keys.token(userID: user, lifetime: 60)
        _ = try await verifier.verify(token)
        clock.offset.withLock { $0 = 60 + 31 }  // past exp plus the 30 s leeway
        #expect(await code { _ = try await verifier.verify(token) } == "token_expired")
        #expect(source.count == 1)
    }

    @Test func aTamperedCopyOfACachedTokenIsStillRefused() async throws {
        let verifier = verifier(CountingKeys(keys.keySource))
        let token = keys.token(userID: user)
        _ = try await verifier.verify(token)
        let parts = token.split(separator: ".").map(String.init)
        let otherClaims = keys.token(userID: UUID()).split(separator: ".")[1]
        #expect(await code { _ = try await verifier.verify("\(parts[0]).\(otherClaims).\(parts[2])") } == "token_signature_invalid")
        let impostor = TestKeys(kid: keys.kid).token(userID: user)
        #expect(await code { _ = try await verifier.verify(impostor) } == "token_signature_invalid")
    }

    @Test func refusedTokensAreNotCached() async throws {
        let source = CountingKeys(keys.keySource)
        let verifier = verifier(source)
        let wrongAudience = keys.token(userID: user, audience: "elsewhere")
        for _ in 0..<2 {
            #expect(await code { _ = try await verifier.verify(wrongAudience) } == "token_audience_invalid")
        }
        #expect(source.count == 2)
    }

    @Test func capacityZeroVerifiesEveryTime() async throws {
        let source = CountingKeys(keys.keySource)
        let verifier = verifier(source, capacity: 0)
        let token = keys.token(userID: user)
        _ = try await verifier.verify(token)
        _ = try await verifier.verify(token)
        #expect(source.count == 2)
    }

    @Test func theLeastRecentlyUsedEntryMakesRoom() throws {
        let cache = VerifiedTokenCache(capacity: 2)
        func entry(_ user: UUID) -> VerifiedTokenCache.Entry {
            .init(identity: Identity(userID: user), claims: AccessTokenClaims(iss: "i", aud: "a", sub: user.uuidString, exp: 0, nbf: 0, iat: 0, jti: ""))
        }
        let (a, b, c) = (UUID(), UUID(), UUID())
        cache.store(entry(a), for: "token-a")
        cache.store(entry(b), for: "token-b")
        #expect(cache.entry(for: "token-a")?.identity.userID == a)  // a is now the most recently used
        cache.store(entry(c), for: "token-c")
        #expect(cache.entry(for: "token-b") == nil)
        #expect(cache.entry(for: "token-a")?.identity.userID == a)
        #expect(cache.entry(for: "token-c")?.identity.userID == c)
        #expect(cache.count == 2)
        // Storing the same token again replaces its entry in place.
        cache.store(entry(b), for: "token-c")
        #expect(cache.entry(for: "token-c")?.identity.userID == b)
        #expect(cache.count == 2)
    }

    @Test func base64URLRoundTripsAndIsStrict() throws {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decodeBytes(Array(text.utf8)) == bytes)
            #expect(text == Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""))
        }
        #expect(Base64URL.decode("QQ") == Data([0x41]))
        #expect(Base64URL.decode("QR") == nil)  // stray low bits: not the canonical encoding of any byte
        #expect(Base64URL.decode("QQ==") == nil)  // padding is not base64url
        #expect(Base64URL.decode("Q") == nil)
        #expect(Base64URL.decode("a+b/") == nil)
    }
}

@Suite("Bearer token header")
struct BearerTokenTests {
    func token(_ value: String) -> String? {
        var fields = HTTPFields()
        fields[.authorization] = value
        let request = Request(head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/", headerFields: fields),
                              body: .init(buffer: ByteBuffer()))
        return AuthMiddleware<ServiceRequestContext>.bearerToken(request)
    }

    @Test func readsTheTokenOfTheBearerScheme() {
        #expect(token("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(token("bearer abc") == "abc")
        #expect(token("BEARER \t abc \t") == "abc")
        #expect(token("Basic abc") == nil)
        #expect(token("Bearer") == nil)
        #expect(token("Bearer    ") == nil)
        #expect(token("Bearerx abc") == nil)
        #expect(token("Bearer a b") == "a b")
    }
}
