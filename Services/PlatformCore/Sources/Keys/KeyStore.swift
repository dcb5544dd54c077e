import Crypto
import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The ES256 signing keys, kept in `signing_keys` with their private halves sealed (AES-GCM) under the
/// configured key, so every replica signs with the same key and the JWKS survives restarts.
///
/// One key is `active` (signs), one is `standby` (already published, so a rotation never produces
/// tokens that verifiers do not know yet), and `retired` keys stay published for one access-token
/// lifetime after rotation so tokens signed just before it still verify. On first use the store creates
/// the first active + standby pair, under an advisory lock so concurrent replicas create one pair.
///
/// It also is Platform Core's own `VerificationKeySource`: its routes verify tokens without HTTP.
public actor KeyStore: VerificationKeySource {
    struct Loaded {
        var signing: SigningKey
        var published: [String: VerificationKey]
        var jwks: JWKS
        var loadedAt: ContinuousClock.Instant
    }

    private let database: Database
    private let sealer: Sealer
    private let retiredGrace: TimeInterval
    private let maxAge: Duration
    private var loaded: Loaded?
    private var loading: Task<Loaded, any Error>?
    private var lastMissReload: ContinuousClock.Instant?

    /// - Parameter retiredGrace: how long retired keys stay published (the access-token lifetime).
    public init(database: Database, sealingKey: [UInt8], retiredGrace: TimeInterval, maxAge: Duration = .seconds(60)) {
        self.database = database
        self.sealer = Sealer(key: sealingKey)
        self.retiredGrace = retiredGrace
        self.maxAge = maxAge
    }

    /// The key new tokens are signed with.
    public func signingKey() async throws -> SigningKey {
        try await current().signing
    }

    /// Active, standby and recently retired public keys.
    public func jwks() async throws -> JWKS {
        try await current().jwks
    }

    public func key(for kid: String) async throws -> VerificationKey? {
        let state = try await current()
        if let key = state.published[kid] { return key }
        // Another replica may have rotated since we loaded; reload at most every few seconds so made-up
        // kids cannot turn every request into a query.
        let now = ContinuousClock.now
        if let last = lastMissReload, now - last < .seconds(5) { return nil }
        lastMissReload = now
        return try await reload().published[kid]
    }

    /// Promotes the standby key, retires the active one and creates a new standby. Returns the new active kid.
    @discardableResult
    public func rotate() async throws -> String {
        let sealer = self.sealer
        let keys = SigningKeyRepository(database: database)
        let kid = try await database.transaction { connection -> String in
            try await keys.lockKeyChanges(on: connection)
            try await keys.retireActiveKey(on: connection)
            let promoted = try await keys.promoteStandbyKey(on: connection)
            if promoted == nil {
                try await Self.insertKey(status: "active", connection: connection, sealer: sealer, keys: keys)
            }
            try await Self.insertKey(status: "standby", connection: connection, sealer: sealer, keys: keys)
            return try await keys.activeKID(on: connection) ?? ""
        }
        _ = try await reload()
        return kid
    }

    // MARK: Loading

    private func current() async throws -> Loaded {
        if let loaded, ContinuousClock.now - loaded.loadedAt < maxAge { return loaded }
        return try await reload()
    }

    private func reload() async throws -> Loaded {
        if let loading { return try await loading.value }
        let database = self.database
        let sealer = self.sealer
        let grace = self.retiredGrace
        let task = Task { try await Self.load(database: database, sealer: sealer, retiredGrace: grace) }
        loading = task
        defer { loading = nil }
        let value = try await task.value
        loaded = value
        return value
    }

    private static func load(database: Database, sealer: Sealer, retiredGrace: TimeInterval) async throws -> Loaded {
        let logger = database.logger
        let keys = SigningKeyRepository(database: database)
        let rows = try await database.transaction { connection -> [(String, String, Data, Data)] in
            var rows = try await keys.publishedKeys(retiredGrace: retiredGrace, on: connection)
            if !rows.contains(where: { $0.1 == "active" }) || !rows.contains(where: { $0.1 == "standby" }) {
                // First start (or a standby used up by a rotation that crashed): create what is missing,
                // once, even when several replicas start together.
                try await keys.lockKeyChanges(on: connection)
                rows = try await keys.publishedKeys(retiredGrace: retiredGrace, on: connection)
                if !rows.contains(where: { $0.1 == "active" }) {
                    try await insertKey(status: "active", connection: connection, sealer: sealer, keys: keys)
                    logger.notice("created the first active signing key")
                }
                if !rows.contains(where: { $0.1 == "standby" }) {
                    try await insertKey(status: "standby", connection: connection, sealer: sealer, keys: keys)
                }
                rows = try await keys.publishedKeys(retiredGrace: retiredGrace, on: connection)
            }
            return rows
        }
        var published: [String: VerificationKey] = [:]
        var jwks: [JWK] = []
        var signing: SigningKey?
        for (kid, status, publicKey, sealed) in rows {
            let key = try P256.Signing.PublicKey(rawRepresentation: publicKey)
            published[kid] = VerificationKey(key)
            jwks.append(JWK(publicKey: key, kid: kid))
            if status == "active" {
                let raw = try sealer.open(sealed, context: "signing-key:\(kid)")
                signing = SigningKey(key: try P256.Signing.PrivateKey(rawRepresentation: raw), kid: kid)
            }
        }
        guard let signing else { throw KeyStoreError.noActiveKey }
        return Loaded(signing: signing, published: published, jwks: JWKS(keys: jwks), loadedAt: .now)
    }

    /// Generates a key pair and stores it with its private half sealed.
    private static func insertKey(status: String, connection: PostgresConnection, sealer: Sealer, keys: SigningKeyRepository) async throws {
        let key = P256.Signing.PrivateKey()
        let kid = OpaqueToken.generate(bytes: 12)
        let sealed = try sealer.seal(key.rawRepresentation, context: "signing-key:\(kid)")
        let publicKey = key.publicKey.rawRepresentation
        try await keys.insertKey(kid: kid, status: status, publicKey: publicKey, sealedPrivateKey: sealed, on: connection)
    }

    enum KeyStoreError: Error { case noActiveKey }
}
