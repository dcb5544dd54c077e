import Foundation
import Hummingbird
import KisumServiceClient
import NIOConcurrencyHelpers

/// What a user may do in one company, as Platform Core resolves it.
public struct EffectiveAccess: Codable, Sendable, Equatable {
    public var userID: UUID
    public var companyID: UUID
    public var role: String
    public var permissions: [String]
    public var modules: [String]

    public init(userID: UUID, companyID: UUID, role: String, permissions: [String], modules: [String]) {
        self.userID = userID
        self.companyID = companyID
        self.role = role
        self.permissions = permissions
        self.modules = modules
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", companyID = "company_id", role, permissions, modules
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

/// The body of Platform Core's `GET /internal/access` (snake_case, like Platform Core's wire style).
public struct EffectiveAccessAnswer: Codable, Sendable {
    public var member: Bool
    public var access: EffectiveAccess?

    public init(member: Bool, access: EffectiveAccess?) {
        self.member = member
        self.access = access
    }
}

public protocol EffectiveAccessResolver: Sendable {
    /// The caller's access in the company, or nil when they are not an active member.
    /// Throws when access cannot be determined; callers must then refuse, never allow.
    func resolve(userID: UUID, companyID: UUID) async throws -> EffectiveAccess?
}

/// Asks Platform Core's internal route and caches answers (positive and negative) for a short TTL.
/// Concurrent requests for the same pair share one call. Unreachable and not cached → 503.
public final class PlatformAccessResolver: EffectiveAccessResolver {
    private struct Key: Hashable { let user: UUID; let company: UUID }
    private struct Entry { let value: EffectiveAccess?; let expires: ContinuousClock.Instant }

    private let client: ServiceClient
    private let ttl: Duration
    private let cache = NIOLockedValueBox<[Key: Entry]>([:])
    private let inFlight = NIOLockedValueBox<[Key: Task<EffectiveAccess?, any Error>]>([:])

    public init(client: ServiceClient, ttl: Duration = .seconds(30)) {
        self.client = client
        self.ttl = ttl
    }

    public func resolve(userID: UUID, companyID: UUID) async throws -> EffectiveAccess? {
        let key = Key(user: userID, company: companyID)
        let now = ContinuousClock.now
        if let entry = cache.withLockedValue({ $0[key] }), entry.expires > now {
            return entry.value
        }
        let task = inFlight.withLockedValue { tasks -> Task<EffectiveAccess?, any Error> in
            if let existing = tasks[key] { return existing }
            let client = self.client
            let task = Task {
                let answer: EffectiveAccessAnswer = try await client.json(
                    "GET", "/internal/access",
                    query: [("user_id", userID.uuidString.lowercased()), ("company_id", companyID.uuidString.lowercased())]
                )
                return answer.member ? answer.access : nil
            }
            tasks[key] = task
            return task
        }
        defer { _ = inFlight.withLockedValue { $0.removeValue(forKey: key) } }
        let value: EffectiveAccess?
        do {
            value = try await task.value
        } catch {
            throw APIError.unavailable("access_unavailable", "Access for this company cannot be resolved right now.")
        }
        let expires = ContinuousClock.now + ttl
        cache.withLockedValue { cache in
            if cache.count > 10_000 {
                let now = ContinuousClock.now
                cache = cache.filter { $0.value.expires > now }
            }
            cache[key] = Entry(value: value, expires: expires)
        }
        return value
    }
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
