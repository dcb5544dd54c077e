import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <access token>` and stores the verified identity on the context.
/// Where `apiKeys` is given (tenant routes of the business services), a workspace API key is accepted as
/// the bearer too; elsewhere an API key is refused with 401 `api_key_not_accepted`.
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
        if APIKeyFormat.isAPIKey(token) {
            guard let apiKeys else {
                throw APIError.unauthenticated("api_key_not_accepted", "API keys are not accepted here; sign in for an access token.")
            }
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

    public static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

/// Requires a tenant header naming a company by UUID (`x-org`; Platform Core also accepts
/// `x-workspace-id`): missing → 400 `tenant_required`, not a UUID → 400 `tenant_invalid`.
public struct TenantMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    public let headerNames: [HTTPField.Name]

    public init(headerNames: [HTTPField.Name] = [.xOrg]) {
        self.headerNames = headerNames
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let value = headerNames.lazy.compactMap({ request.headers[$0] }).first else {
            throw APIError.badRequest("tenant_required", "The x-org header naming the company is required.")
        }
        guard let companyID = UUID(uuidString: value.trimmingCharacters(in: .whitespaces)) else {
            throw APIError.badRequest("tenant_invalid", "The x-org header must be a company UUID.")
        }
        var context = context
        context.kisum.companyID = companyID
        context.logger[metadataKey: "company_id"] = .string(companyID.uuidString.lowercased())
        return try await next(request, context)
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
