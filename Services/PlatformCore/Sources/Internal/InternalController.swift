import Foundation
import Hummingbird
import KisumKernel
import PlatformCoreAPI

extension InternalAccessAnswer: ResponseEncodable {}

/// The `/internal` routes other services (and operators) call with an internal API key.
struct InternalController {
    let core: PlatformServices

    struct AuthenticateKey: ValidatableBody {
        var key: String?
        func validate(_ v: inout Validator) {
            v.text(key, "key", maxLength: 512)
        }
    }

    struct RotatedKeys: ResponseEncodable {
        var activeKid: String
    }

    func addRoutes(to group: RouterGroup<PlatformRequestContext>) {
        let core = self.core

        // Effective access of a user in a company: member false when the membership, the user or the
        // workspace is not active. Never cached here: callers cache briefly (PlatformAccessResolver).
        group.get("access") { request, _ -> InternalAccessAnswer in
            var query = QueryReader(request)
            let userID = query.uuid("user_id")
            let companyID = query.uuid("company_id")
            try query.validate()
            guard let userID, let companyID else {
                throw APIError.badRequest("invalid_query", "user_id and company_id are required.", details: [
                    FieldIssue(field: userID == nil ? "user_id" : "company_id", code: "required", message: "This parameter is required."),
                ])
            }
            let access = try await core.access.resolve(userID: userID, companyID: companyID)
            return InternalAccessAnswer(member: access != nil, access: access)
        }

        group.post("api-keys/authenticate") { request, context -> APIKeyAuthentication in
            let body = try await request.decodeValid(as: AuthenticateKey.self, context: context)
            return try await core.apiKeys.authenticate(body.key!)
        }

        // The e-mail outbox, newest first, so local users and tests can follow activation, reset and
        // invitation links. Internal only: the bodies hold live links.
        group.get("outbox/emails") { request, _ -> OutboxEmailList in
            var query = QueryReader(request)
            let to = query.search("to", maxLength: 254)
            let kind = query.search("kind", maxLength: 64)
            let limit = query.int("limit", range: 1...200) ?? 50
            try query.validate()
            return try await OutboxEmailRepository(database: core.database, smtpConfigured: core.settings.mail.smtpURL != nil)
                .list(to: to, kind: kind, limit: limit)
        }

        // Key rotation: the standby key becomes active (it is already in every verifier's JWKS), the
        // active one is retired but stays published for one access-token lifetime, a new standby is made.
        group.post("signing-keys/rotate") { _, _ -> RotatedKeys in
            RotatedKeys(activeKid: try await core.keys.rotate())
        }

        ImpersonationController(core: core).addInternalRoutes(to: group)
    }
}
