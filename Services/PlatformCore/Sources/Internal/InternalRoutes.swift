import Foundation
import Hummingbird
import KisumKernel
import PlatformCoreAPI

extension InternalAccessAnswer: ResponseEncodable {}

/// The `/internal` routes other services (and operators) call with an internal API key.
struct InternalRoutes {
    let access: DatabaseAccessResolver
    let apiKeys: APIKeyAuthenticator
    let outboxEmails: OutboxEmailRepository
    let keys: KeyStore
    let impersonation: ImpersonationHandlers

    struct AuthenticateKey: ValidatableBody {
        var key: String?
        func validate(_ v: inout Validator) {
            v.text(key, "key", maxLength: 512)
        }
    }

    struct RotatedKeys: ResponseEncodable {
        var activeKid: String
    }

    func addRoutes(to groups: PlatformRouteGroups) {
        let api = groups.internalKey("/internal")
        api.get("access", use: effectiveAccess)
        api.post("api-keys/authenticate", use: authenticateKey)
        api.get("outbox/emails", use: outbox)
        api.post("signing-keys/rotate", use: rotateKeys)
        api.post("impersonation-tokens", use: impersonation.issue)
    }

    /// Effective access of a user in a company: member false when the membership, the user or the
    /// workspace is not active. Never cached here: callers cache briefly (PlatformAccessResolver).
    @Sendable func effectiveAccess(_ request: Request, context: PlatformRequestContext) async throws -> InternalAccessAnswer {
        var query = QueryReader(request)
        let userID = query.uuid("user_id")
        let companyID = query.uuid("company_id")
        try query.validate()
        guard let userID, let companyID else {
            throw APIError.badRequest("invalid_query", "user_id and company_id are required.", details: [
                FieldIssue(field: userID == nil ? "user_id" : "company_id", code: "required", message: "This parameter is required."),
            ])
        }
        let resolved = try await access.resolve(userID: userID, companyID: companyID)
        return InternalAccessAnswer(member: resolved != nil, access: resolved)
    }

    @Sendable func authenticateKey(_ request: Request, context: PlatformRequestContext) async throws -> APIKeyAuthentication {
        let body = try await request.decodeValid(as: AuthenticateKey.self, context: context)
        return try await apiKeys.authenticate(body.key!)
    }

    /// The e-mail outbox, newest first, so local users and tests can follow activation, reset and
    /// invitation links. Internal only: the bodies hold live links.
    @Sendable func outbox(_ request: Request, context: PlatformRequestContext) async throws -> OutboxEmailList {
        var query = QueryReader(request)
        let to = query.search("to", maxLength: 254)
        let kind = query.search("kind", maxLength: 64)
        let limit = query.int("limit", range: 1...200) ?? 50
        try query.validate()
        return try await outboxEmails.list(to: to, kind: kind, limit: limit)
    }

    /// Key rotation: the standby key becomes active (it is already in every verifier's JWKS), the
    /// active one is retired but stays published for one access-token lifetime, a new standby is made.
    @Sendable func rotateKeys(_ request: Request, context: PlatformRequestContext) async throws -> RotatedKeys {
        RotatedKeys(activeKid: try await keys.rotate())
    }
}
