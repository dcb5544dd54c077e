import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Requires `Authorization: Bearer <access token>` and stores the verified identity on the context.
/// A bearer that `apiKeys` recognizes as a workspace API key goes to it instead (the business services'
/// tenant routes accept keys; Platform Core's `APIKeysNotAccepted` refuses them with a clear code).
public struct AuthMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    public let verifier: AccessTokenVerifier
    public let apiKeys: (any APIKeyVerifier)?

    public init(verifier: AccessTokenVerifier, apiKeys: (any APIKeyVerifier)? = nil) {
        self.verifier = verifier
        self.apiKeys = apiKeys
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(request) else {
            throw APIError.unauthenticated("unauthenticated", "A bearer access token is required.")
        }
        var context = context
        if let apiKeys, apiKeys.recognizes(token) {
            let access = try await apiKeys.authenticate(token)
            context.kisum.identity = Identity(userID: access.userID, apiKeyID: access.userID)
            context.kisum.apiKeyAccess = access
            context.logger[metadataKey: "api_key_id"] = .string(access.userID.uuidString.lowercased())
            return try await next(request, context)
        }
        let verified = try await verifier.verify(token)
        context.kisum.identity = verified.identity
        context.logger[metadataKey: "user_id"] = .string(verified.identity.userID.uuidString.lowercased())
        return try await next(request, context)
    }

    /// The token of `Authorization: Bearer <token>` (scheme case-insensitive, spaces and tabs around the
    /// token ignored), read over bytes (`HeaderText`).
    public static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let whole = Substring(header)
        guard let space = whole.utf8.firstIndex(of: 0x20),
              LetterCode.uppercased(whole[..<space], lengths: 6...6) == "BEARER" else { return nil }
        let token = HeaderText.trimmed(whole[whole.index(after: space)...])
        return token.isEmpty ? nil : String(token)
    }
}

/// Requires a tenant header naming a company by UUID (`TenantHeaders`): missing → 400 `tenant_required`,
/// not a UUID → 400 `tenant_invalid`, `x-org` and `x-workspace-id` disagreeing → 400 `tenant_header_conflict`.
public struct TenantMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let companyID = try TenantHeaders.companyID(in: request.headers) else {
            throw APIError.badRequest("tenant_required", "The x-org (or x-workspace-id) header naming the company is required.")
        }
        var context = context
        context.kisum.companyID = companyID
        context.logger[metadataKey: "company_id"] = .string(companyID.uuidString.lowercased())
        return try await next(request, context)
    }
}

/// The one rule for naming the company of a request, the same in every service: `x-org` (Venue's and
/// Base's spelling) or `x-workspace-id` (Platform Core's). Both may be sent; if they name different
/// companies the request is refused, so no client is ever served two companies by two services.
public enum TenantHeaders {
    /// The named company, nil when neither header is sent. 400 `tenant_invalid` for a value that is not
    /// a UUID, 400 `tenant_header_conflict` when the two headers disagree (UUIDs compare case-insensitively).
    public static func companyID(in headers: HTTPFields) throws -> UUID? {
        let org = try parse(headers[.xOrg], name: "x-org")
        let workspace = try parse(headers[.xWorkspaceID], name: "x-workspace-id")
        if let org, let workspace, org != workspace {
            throw APIError.badRequest("tenant_header_conflict", "x-org and x-workspace-id name different companies; send one, or the same in both.")
        }
        return org ?? workspace
    }

    static func parse(_ value: String?, name: String) throws -> UUID? {
        guard let value else { return nil }
        guard let id = UUID(uuidString: String(HeaderText.trimmed(Substring(value)))) else {
            throw APIError.badRequest("tenant_invalid", "The \(name) header must be a company UUID.")
        }
        return id
    }
}

/// Guards `/internal/` routes with `X-Internal-API-Key`, compared in constant time against every
/// accepted key (several, so keys rotate without downtime).
public struct InternalKeyMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    private let keys: [String]

    public init(keys: [String]) {
        self.keys = keys
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let presented = request.headers[.internalAPIKey], !presented.isEmpty else {
            throw APIError(.unauthorized, code: "internal_key_required", message: "X-Internal-API-Key is required.")
        }
        // Fail closed: a service configured with no keys accepts nothing.
        guard !keys.isEmpty, ConstantTime.matchesAny(presented, of: keys) else {
            throw APIError(.unauthorized, code: "internal_key_invalid", message: "The internal API key is not valid.")
        }
        var context = context
        context.kisum.internalCaller = true
        return try await next(request, context)
    }
}
