import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PlatformCoreAPI
import PostgresNIO

/// API key format: `kisum_sk_` + 43 base64url characters (32 random bytes). The typed prefix makes
/// leaked keys recognisable to secret scanners; `prefix` (the first 17 characters) identifies a key in
/// lists; only the SHA-256 of the whole key is stored, and the key is shown once, at creation.
public enum APIKeySecret {
    public static let marker = APIKeyFormat.marker

    public static func generate() -> (key: String, prefix: String, hash: Data) {
        let key = marker + OpaqueToken.generate()
        return (key, displayPrefix(key), OpaqueToken.hash(key))
    }

    public static func displayPrefix(_ key: String) -> String {
        String(key.prefix(marker.count + 8))
    }

    public static func looksValid(_ key: String) -> Bool {
        key.hasPrefix(marker) && OpaqueToken.looksValid(String(key.dropFirst(marker.count)))
    }
}

extension APIKeyAuthentication: ResponseEncodable {}

/// The machine-caller side of API keys (the management routes build on the same table).
public struct APIKeyAuthenticator: Sendable {
    let database: Database

    /// Unknown, revoked, disabled, expired keys and keys of disabled workspaces are all 401 (each with
    /// its own code for the calling service's logs). `last_used_at` is written at most once a minute
    /// per key, so a busy key does not turn every call into a row update.
    public func authenticate(_ key: String) async throws -> APIKeyAuthentication {
        guard APIKeySecret.looksValid(key) else { throw Self.invalid }
        let hash = OpaqueToken.hash(key)
        let row = try await database.query("""
            SELECT k.id, k.workspace_id, k.name, k.scopes, k.key_hash, k.enabled, k.revoked_at IS NOT NULL,
                   COALESCE(k.expires_at <= now(), false), w.status = 'active',
                   k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute',
                   ARRAY(SELECT ms.module FROM module_settings ms JOIN modules mo ON mo.name = ms.module
                         WHERE ms.workspace_id = k.workspace_id AND ms.enabled ORDER BY mo.sort_order)
            FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
            WHERE k.key_hash = \(hash)
            """).first { row in
            try row.decode((UUID, UUID, String, [String], Data, Bool, Bool, Bool, Bool, Bool, [String]).self)
        }
        // The lookup is by digest; comparing the digests again in constant time costs nothing and keeps
        // the check independent of how the index compares bytes.
        guard let (id, workspaceID, name, scopes, storedHash, enabled, revoked, expired, workspaceActive, stale, modules) = row,
              ConstantTime.equals(storedHash.base64EncodedString(), hash.base64EncodedString())
        else { throw Self.invalid }
        if revoked { throw APIError.unauthenticated("api_key_revoked", "The API key was revoked.") }
        if !enabled { throw APIError.unauthenticated("api_key_disabled", "The API key is disabled.") }
        if expired { throw APIError.unauthenticated("api_key_expired", "The API key has expired.") }
        if !workspaceActive { throw APIError.unauthenticated("api_key_workspace_disabled", "The API key's workspace is disabled.") }
        if stale {
            try await database.query("UPDATE api_keys SET last_used_at = now() WHERE workspace_id = \(workspaceID) AND id = \(id)")
        }
        return APIKeyAuthentication(keyId: id, workspaceId: workspaceID, name: name, scopes: scopes, modules: modules)
    }

    static let invalid = APIError.unauthenticated("api_key_invalid", "The API key is not valid.")
}
