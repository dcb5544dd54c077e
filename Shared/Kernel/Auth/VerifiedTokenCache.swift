import Crypto
import Foundation
import Synchronization

/// Successful access-token verifications, keyed by the token's SHA-256 digest and kept until the token's
/// own `exp`. A client sends the same token thousands of times before it expires; parsing it and checking
/// its ECDSA signature once is enough, because a token's bytes are its claims and signature.
///
/// Only verified tokens are stored: a forged, altered or expired token never hits, it misses and is
/// verified (and refused) as before. `exp`/`nbf` are still checked on every hit against the verifier's
/// clock. What a cached token does not re-check is its signing key: a key leaves the JWKS only after the
/// tokens it signed have expired (Platform Core publishes retired keys until then), and sessions are
/// revoked where they always were (Platform Core's session guard), not here.
///
/// Bounded least-recently-used: at `capacity` the entry used longest ago makes room.
public final class VerifiedTokenCache: Sendable {
    public struct Entry: Sendable {
        public var identity: Identity
        public var claims: AccessTokenClaims

        public init(identity: Identity, claims: AccessTokenClaims) {
            self.identity = identity
            self.claims = claims
        }
    }

    /// Used unless settings say otherwise (`TOKEN_CACHE_SIZE`): a few hundred bytes per entry.
    public static let defaultCapacity = 10_000

    public let capacity: Int
    private let state: Mutex<LRUCache<TokenDigest, Entry>>

    /// - Parameter capacity: entries kept; 0 turns caching off.
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
        self.state = Mutex(LRUCache(capacity: max(0, capacity)))
    }

    public func entry(for token: String) -> Entry? {
        guard capacity > 0 else { return nil }
        let digest = TokenDigest(token)
        return state.withLock { $0.value(for: digest) }
    }

    public func store(_ entry: Entry, for token: String) {
        guard capacity > 0 else { return }
        let digest = TokenDigest(token)
        state.withLock { $0.set(entry, for: digest) }
    }

    public var count: Int { state.withLock { $0.count } }
}

/// A token's SHA-256, as four words: hashing and comparing it is cheap, and the token itself is not kept.
struct TokenDigest: Hashable, Sendable {
    let a: UInt64, b: UInt64, c: UInt64, d: UInt64

    init(_ token: String) {
        var token = token
        // Hashed in place: no copy of the token per request.
        let digest = token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        digest.withUnsafeBytes { raw in
            words = (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                     raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
        (a, b, c, d) = words
    }
}
