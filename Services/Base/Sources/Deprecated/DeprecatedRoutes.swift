import Hummingbird
import KisumKernel

/// The nine groups the Base spec marks "must not be used in Base Backend anymore". Every path of theirs in
/// the catalog answers `410 Gone` with `endpoint_deprecated`, the service that replaced it and where to go
/// there, so an old client learns where to move instead of getting a bare 404. They sit outside the tenant
/// group: the answer is the same for everyone and reveals nothing, so it needs neither a token nor `x-org`.
struct DeprecatedRoutes: Sendable {
    typealias Context = BaseService.Context

    func addRoutes(to root: RouterGroup<Context>) {
        let auth = root.group("/api/auth")
        auth.post("login", use: Moved.auth.answer)
        auth.post("register", use: Moved.auth.answer)
        auth.post("refresh", use: Moved.auth.answer)
        auth.get("me", use: Moved.auth.answer)
        let companyUsers = root.group("/api/company-users")
        companyUsers.get("", use: Moved.companyUsers.answer)
        companyUsers.post("", use: Moved.companyUsers.answer)
        companyUsers.put("{id}", use: Moved.companyUsers.answer)
        companyUsers.delete("{id}", use: Moved.companyUsers.answer)
        let invitations = root.group("/api/company-user-invitations")
        invitations.get("", use: Moved.invitations.answer)
        invitations.post("", use: Moved.invitations.answer)
        invitations.post("{id}/accept", use: Moved.invitations.answer)
        invitations.delete("{id}", use: Moved.invitations.answer)
        let teams = root.group("/api/company-teams")
        teams.get("", use: Moved.teams.answer)
        teams.post("", use: Moved.teams.answer)
        teams.put("{id}", use: Moved.teams.answer)
        teams.delete("{id}", use: Moved.teams.answer)
        let packages = root.group("/api/packages")
        packages.get("", use: Moved.packages.answer)
        packages.get("{id}", use: Moved.packages.answer)
        let permissions = root.group("/api/permissions")
        permissions.get("", use: Moved.permissions.answer)
        permissions.get("me", use: Moved.permissions.answer)
        let role = root.group("/api/role")
        role.get("", use: Moved.role.answer)
        role.post("", use: Moved.role.answer)
        role.put("{id}", use: Moved.role.answer)
        let subscription = root.group("/api/subscription")
        subscription.get("", use: Moved.subscription.answer)
        subscription.post("", use: Moved.subscription.answer)
        subscription.post("cancel", use: Moved.subscription.answer)
        let users = root.group("/api/users")
        users.get("", use: Moved.users.answer)
        users.get("{id}", use: Moved.users.answer)
        users.put("{id}", use: Moved.users.answer)
    }
}

/// Where each deprecated group went: the spec's words for the backend ("Auth Backend", "Platform Core
/// Backend", both Platform Core here), the service name and the replacement path behind the gateway.
enum Moved: Sendable {
    case auth, companyUsers, invitations, teams, packages, permissions, role, subscription, users

    var group: String {
        switch self {
        case .auth: "Auth"
        case .companyUsers: "Company Users"
        case .invitations: "Company User Invitations"
        case .teams: "Company Teams"
        case .packages: "Packages"
        case .permissions: "Permissions"
        case .role: "Role"
        case .subscription: "Subscription"
        case .users: "Users"
        }
    }

    var movedTo: String {
        switch self {
        case .packages, .subscription: "Platform Core Backend"
        default: "Auth Backend"
        }
    }

    /// The replacement's path prefix behind the gateway (Platform Core is mounted at `/platform`).
    var replacement: String {
        switch self {
        case .auth: "/platform/api/v1/auth"
        case .companyUsers: "/platform/api/v1/members"
        case .invitations: "/platform/api/v1/workspaces/invitations"
        case .teams: "/platform/api/v1/teams"
        case .packages: "/platform/api/v1/billing/tiers"
        case .permissions: "/platform/api/v1/permissions"
        case .role: "/platform/api/v1/permissions/roles"
        case .subscription: "/platform/api/v1/billing/subscription"
        case .users: "/platform/api/v1/members"
        }
    }

    var error: APIError {
        APIError(.gone, code: "endpoint_deprecated",
                 message: "The \(group) routes moved out of Base to the \(movedTo) (Platform Core); use \(replacement).",
                 info: ["group": .string(group), "replacedBy": .string("platform-core"), "movedTo": .string(movedTo),
                        "replacement": .string(replacement)])
    }

    @Sendable func answer(_ request: Request, context: BaseService.Context) async throws -> Response {
        throw error
    }
}
