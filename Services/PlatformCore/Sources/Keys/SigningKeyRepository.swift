import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The `signing_keys` statements of `KeyStore`. All run inside the key store's transactions.
struct SigningKeyRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// The advisory lock that serialises key creation and rotation across replicas.
    static let lockKey: Int64 = 0x6B69_7375_6D6B_6579 // "kisumkey"

    /// Takes the key-creation advisory lock until the end of the transaction.
    func lockKeyChanges(on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
    }

    func retireActiveKey(on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE signing_keys SET status = 'retired', retired_at = now() WHERE status = 'active'
            """, logger: logger)
    }

    /// Makes the standby key active; nil when there was no standby.
    func promoteStandbyKey(on connection: PostgresConnection) async throws -> String? {
        try await connection.query("""
            UPDATE signing_keys SET status = 'active', activated_at = now() WHERE status = 'standby' RETURNING kid
            """, logger: logger).first { try $0.decode(String.self) }
    }

    func activeKID(on connection: PostgresConnection) async throws -> String? {
        try await connection.query("SELECT kid FROM signing_keys WHERE status = 'active'", logger: logger)
            .first { try $0.decode(String.self) }
    }

    /// (kid, status, public key, sealed private key) of the active, standby and recently retired keys
    /// (retired less than `retiredGrace` ago), active first.
    func publishedKeys(retiredGrace: TimeInterval, on connection: PostgresConnection) async throws -> [(String, String, Data, Data)] {
        try await connection.query("""
            SELECT kid, status, public_key, private_key_sealed FROM signing_keys
            WHERE status IN ('active', 'standby')
               OR (status = 'retired' AND retired_at > now() - make_interval(secs => \(retiredGrace)))
            ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'standby' THEN 1 ELSE 2 END, created_at DESC
            """, logger: logger).collect { row in
            let (kid, status, publicKey, sealed) = try row.decode((String, String, Data, Data).self)
            return (kid, status, publicKey, sealed)
        }
    }

    func insertKey(kid: String, status: String, publicKey: Data, sealedPrivateKey: Data, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO signing_keys (kid, status, public_key, private_key_sealed, activated_at)
            VALUES (\(kid), \(status), \(publicKey), \(sealedPrivateKey), CASE WHEN \(status) = 'active' THEN now() END)
            """, logger: logger)
    }
}
