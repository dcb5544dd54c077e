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
        let row = try await APIKeyRepository(database: database).authenticationCandidate(keyHash: hash).map {
            ($0.id, $0.workspaceID, $0.name, $0.scopes, $0.keyHash, $0.enabled, $0.revoked, $0.expired, $0.workspaceActive,
             $0.lastUsedStale, $0.modules)
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
            try await APIKeyRepository(database: database).touchLastUsed(workspaceID: workspaceID, id: id)
        }
        return APIKeyAuthentication(keyId: id, workspaceId: workspaceID, name: name, scopes: scopes, modules: modules)
    }

    static let invalid = APIError.unauthenticated("api_key_invalid", "The API key is not valid.")
}
