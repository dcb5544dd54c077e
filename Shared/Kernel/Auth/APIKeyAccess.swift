import Foundation

/// Workspace API keys (created through Platform Core's API Keys routes; their format is
/// `PlatformCoreAPI.APIKeyFormat`) let machine callers use a company's tenant routes: the key is sent as the
/// bearer token, with `x-org` naming the key's company.
/// The key's scopes are its permissions (`venue.*` style wildcards included) and the company's enabled
/// modules gate routes exactly as for people.
public protocol APIKeyVerifier: Sendable {
    /// Whether `bearer` is shaped like a key this verifier handles (anything else is an access token).
    func recognizes(_ bearer: String) -> Bool
    /// The key's effective access: `userID` is the key's id, `companyID` its workspace, `role` `api_key`,
    /// `permissions` its scopes, `modules` the workspace's enabled modules. Unknown, revoked, disabled or
    /// expired keys throw 401; when that cannot be decided the answer is 503, never "allow".
    func authenticate(_ key: String) async throws -> EffectiveAccess
}
