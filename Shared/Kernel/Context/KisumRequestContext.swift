import Foundation
import Hummingbird
import Logging
import NIOCore

/// What the kernel's middleware learns about a request: who sent it, for which company, with which access.
public struct KisumContextState: Sendable {
    public var requestID: String = ""
    /// The peer address as seen by this process (the gateway, when behind one).
    public var remoteAddress: String?
    /// Set by `AuthMiddleware` once the bearer token verified.
    public var identity: Identity?
    /// Set by `TenantMiddleware` from `x-org`.
    public var companyID: UUID?
    /// Set by `AccessMiddleware` once Platform Core confirmed membership.
    public var access: EffectiveAccess?
    /// Set by `AuthMiddleware` for a workspace API key: what the key may do, in its own company only.
    public var apiKeyAccess: EffectiveAccess?
    /// Set by `InternalKeyMiddleware` for machine callers.
    public var internalCaller: Bool = false

    public init() {}
}

/// The request context every Kisum service uses. Services declare a concrete type (Hummingbird's
/// idiom) so each can pick its own wire style while the kernel middleware stays generic.
public protocol KisumRequestContext: RequestContext
where Source == ApplicationRequestContextSource, Decoder == JSONDecoder, Encoder == WireJSONEncoder {
    var kisum: KisumContextState { get set }
}

extension KisumRequestContext {
    /// The verified caller, or 401 when the route was reached without authentication.
    public func requireIdentity() throws -> Identity {
        guard let identity = kisum.identity else { throw APIError.unauthenticated() }
        return identity
    }

    /// The company chosen by `x-org`, or 400 when the route was reached without one.
    public func requireCompany() throws -> UUID {
        guard let companyID = kisum.companyID else {
            throw APIError.badRequest("tenant_required", "The x-org header is required.")
        }
        return companyID
    }

    /// The caller's effective access in the tenant company, or 403 when the route was reached without it.
    public func requireAccess() throws -> EffectiveAccess {
        guard let access = kisum.access else {
            throw APIError.forbidden("access_unresolved", "Access for this company was not resolved.")
        }
        return access
    }

    /// Fails with 403 unless the caller's effective access grants `permission`.
    public func require(permission: String) throws {
        let access = try requireAccess()
        guard access.permits(permission) else {
            throw APIError(.forbidden, code: "permission_denied", message: "Missing permission \(permission).",
                           info: ["permission": .string(permission)])
        }
    }

    /// Fails with 403 `staff_only` unless the caller is platform staff in person: a signed-in user whose
    /// access says `staff`, not an API key, not a machine, not an administrator impersonating someone.
    /// For global data no company owns (reference data), where a company permission cannot be the rule.
    public func requireStaff() throws {
        let access = try requireAccess()
        let identity = try requireIdentity()
        guard access.staff, kisum.apiKeyAccess == nil, identity.apiKeyID == nil, identity.actor == nil, !kisum.internalCaller else {
            throw APIError.forbidden("staff_only", "Only platform staff may do this.")
        }
    }

    /// The company and caller of a tenant route with `permission` checked: the common prologue of handlers.
    public func tenant(permission: String) throws -> (companyID: UUID, userID: UUID) {
        try require(permission: permission)
        return (try requireCompany(), try requireIdentity().userID)
    }
}

/// The camelCase context used by Venue, Base, Finance and Promoter.
public struct ServiceRequestContext: KisumRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var kisum: KisumContextState

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.kisum = KisumContextState()
        self.kisum.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    public var requestDecoder: JSONDecoder { JSONCoding.decoder }
    public var responseEncoder: WireJSONEncoder { JSONCoding.encoder }
}
