import Foundation
import Hummingbird

/// What a user may do in one company, as Platform Core resolves it.
public struct EffectiveAccess: Codable, Sendable, Equatable {
    public var userID: UUID
    public var companyID: UUID
    public var role: String
    public var permissions: [String]
    public var modules: [String]
    /// The company's IANA time zone as its workspace settings say (nil when none is set): what reports
    /// bucket by unless the caller names another.
    public var timezone: String?
    /// Platform staff (Platform Core's `users.is_superuser`, never granted through the API): may edit the
    /// global reference data every company reads. Not a permission of the company: it follows the person.
    /// API keys and machine callers never carry it; read it through `requireStaff()`, which also refuses
    /// impersonation.
    public var staff: Bool

    public init(userID: UUID, companyID: UUID, role: String, permissions: [String], modules: [String], timezone: String? = nil,
                staff: Bool = false) {
        self.userID = userID
        self.companyID = companyID
        self.role = role
        self.permissions = permissions
        self.modules = modules
        self.timezone = timezone
        self.staff = staff
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", companyID = "company_id", role, permissions, modules, timezone, staff = "is_staff"
    }

    /// `is_staff` may be absent (a Platform Core from before the flag): that reads as not staff, never as an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(userID: try container.decode(UUID.self, forKey: .userID),
                  companyID: try container.decode(UUID.self, forKey: .companyID),
                  role: try container.decode(String.self, forKey: .role),
                  permissions: try container.decode([String].self, forKey: .permissions),
                  modules: try container.decode([String].self, forKey: .modules),
                  timezone: try container.decodeIfPresent(String.self, forKey: .timezone),
                  staff: try container.decodeIfPresent(Bool.self, forKey: .staff) ?? false)
    }

    /// Exact permission, or a granted wildcard prefix (`venue.*` grants `venue.bookings.write`).
    public func permits(_ permission: String) -> Bool {
        permissions.contains { granted in
            granted == permission || granted == "*"
                || (granted.hasSuffix(".*") && permission.hasPrefix(granted.dropLast()))
        }
    }

    public func hasModule(_ module: String) -> Bool {
        modules.contains(module)
    }
}

public protocol EffectiveAccessResolver: Sendable {
    /// The caller's access in the company, or nil when they are not an active member.
    /// Throws when access cannot be determined; callers must then refuse, never allow.
    func resolve(userID: UUID, companyID: UUID) async throws -> EffectiveAccess?
}

/// Resolves the caller's effective access in the `x-org` company (an API key's comes with the key); requires
/// `module` to be enabled when given. Not a member → 403 `not_a_member`; module off → 403 `module_disabled`.
public struct AccessMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    public let resolver: any EffectiveAccessResolver
    public let module: String?

    public init(resolver: any EffectiveAccessResolver, module: String?) {
        self.resolver = resolver
        self.module = module
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let identity = try context.requireIdentity()
        let companyID = try context.requireCompany()
        let resolved: EffectiveAccess?
        if let keyAccess = context.kisum.apiKeyAccess {
            // A key belongs to exactly one company; Platform Core already reported its scopes and modules.
            resolved = keyAccess.companyID == companyID ? keyAccess : nil
        } else {
            resolved = try await resolver.resolve(userID: identity.userID, companyID: companyID)
        }
        guard let access = resolved else {
            throw APIError.forbidden("not_a_member", "You are not a member of this company.")
        }
        if let module, !access.hasModule(module) {
            throw APIError(.forbidden, code: "module_disabled", message: "The \(module) module is not enabled for this company.",
                           info: ["module": .string(module)])
        }
        var context = context
        context.kisum.access = access
        return try await next(request, context)
    }
}
