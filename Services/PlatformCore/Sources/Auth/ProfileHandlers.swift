import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The caller's membership in one workspace, as `/auth/me?workspace_id=` shows it.
public struct MemberRecord: ResponseEncodable, Sendable {
    public var id: UUID
    public var workspaceId: UUID
    public var workspaceName: String
    public var role: String
    public var status: String
    public var title: String?
    public var department: String?
    public var joinedAt: Date?
    public var permissions: [String]
    public var modules: [String]
}

struct MeResponse: ResponseEncodable {
    var user: User
    var workspaces: [WorkspaceMembershipSummary]
    var member: MemberRecord?
}

struct ProfileHandlers {
    let users: UserRepository
    let workspaces: WorkspaceRepository
    let access: DatabaseAccessResolver
    let database: Database
    let settings: PlatformCoreSettings
    let passwords: PasswordHasher
    let clients: ClientInfoReader
    let tokens: TokenService
    let outbox: EmailOutbox
    let emails: EmailComposer
    let singleUseTokens: SingleUseTokenRepository

    /// `GET /auth/me[?workspace_id=]`: the user, their workspaces, and with `workspace_id` their member
    /// record there (404 when they are not an active member: another workspace's id reveals nothing).
    @Sendable func me(_ request: Request, context: PlatformRequestContext) async throws -> MeResponse {
        let identity = try context.requireIdentity()
        var query = QueryReader(request)
        let workspaceID = query.uuid("workspace_id")
        try query.validate()
        guard let user = try await users.find(id: identity.userID) else {
            throw APIError.unauthenticated("account_inactive", "This account no longer exists.")
        }
        var member: MemberRecord?
        if let workspaceID {
            member = try await memberRecord(userID: user.id, workspaceID: workspaceID)
            guard member != nil else { throw APIError.notFound("workspace") }
        }
        return MeResponse(user: user, workspaces: try await workspaces.memberships(userID: user.id), member: member)
    }

    func memberRecord(userID: UUID, workspaceID: UUID) async throws -> MemberRecord? {
        guard let access = try await access.resolve(userID: userID, companyID: workspaceID) else { return nil }
        return try await MemberRepository(database: database)
            .record(workspaceID: workspaceID, userID: userID, permissions: access.permissions, modules: access.modules)
    }

    /// The editable profile fields. `avatar_url: null` clears the avatar (absent leaves it), which a
    /// plain Optional cannot tell apart, hence the hand-written decoder.
    struct ProfileBody: Decodable {
        var fullName: String?
        /// The spec's name for the full name ("Can update: name, email, …"); `full_name` is accepted too.
        var name: String?
        var displayName: String?
        var title: String?
        var phone: String?
        var bio: String?
        var timezone: String?
        var locale: String?
        var avatarUrl: String?
        var clearAvatar = false
        var email: String?
        // PUT /auth/me only
        var currentPassword: String?
        var newPassword: String?
        // PUT /auth/{user_id} only
        var role: String?
        var workspaceId: UUID?

        enum CodingKeys: String, CodingKey {
            case fullName, name, displayName, title, phone, bio, timezone, locale, avatarUrl, email, currentPassword, newPassword, role, workspaceId
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fullName = try c.decodeIfPresent(String.self, forKey: .fullName)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
            title = try c.decodeIfPresent(String.self, forKey: .title)
            phone = try c.decodeIfPresent(String.self, forKey: .phone)
            bio = try c.decodeIfPresent(String.self, forKey: .bio)
            timezone = try c.decodeIfPresent(String.self, forKey: .timezone)
            locale = try c.decodeIfPresent(String.self, forKey: .locale)
            avatarUrl = try c.decodeIfPresent(String.self, forKey: .avatarUrl)
            clearAvatar = c.contains(.avatarUrl) && avatarUrl == nil
            email = try c.decodeIfPresent(String.self, forKey: .email)
            currentPassword = try c.decodeIfPresent(String.self, forKey: .currentPassword)
            newPassword = try c.decodeIfPresent(String.self, forKey: .newPassword)
            role = try c.decodeIfPresent(String.self, forKey: .role)
            workspaceId = try c.decodeIfPresent(UUID.self, forKey: .workspaceId)
        }

        func validateProfile(_ v: inout Validator) {
            v.text(fullName, "full_name", required: false, maxLength: 200)
            v.text(name, "name", required: false, maxLength: 200)
            v.check(name == nil || fullName == nil || name == fullName, "name", "ambiguous", "name and full_name differ; send one.")
            v.text(displayName, "display_name", required: false, maxLength: 100)
            v.text(title, "title", required: false, maxLength: 200)
            v.text(phone, "phone", required: false, maxLength: 50)
            if let bio { v.check(bio.unicodeScalars.count <= 2000, "bio", "too_long", "At most 2000 characters.") }
            v.text(timezone, "timezone", required: false, maxLength: 64)
            if let timezone { v.check(TimeZone(identifier: timezone) != nil, "timezone", "invalid_timezone", "Must be an IANA time zone.") }
            v.text(locale, "locale", required: false, maxLength: 35)
            if let avatarUrl {
                let url = URL(string: avatarUrl)
                v.check(avatarUrl.count <= 2048 && ["http", "https"].contains(url?.scheme ?? "") && url?.host != nil,
                        "avatar_url", "invalid_url", "Must be an http(s) URL.")
            }
            v.email(email, "email", required: false)
        }

        var patch: UserRepository.ProfilePatch {
            var patch = UserRepository.ProfilePatch()
            patch.fullName = fullName ?? name
            patch.displayName = displayName
            patch.title = title
            patch.phone = phone
            patch.bio = bio
            patch.timezone = timezone
            patch.locale = locale
            patch.avatarURL = avatarUrl
            patch.clearAvatar = clearAvatar
            patch.email = email
            return patch
        }
    }

    /// `PUT /auth/me`: profile fields; changing the e-mail or the password needs the current password
    /// (when the account has one) and is refused to impersonators. A new password ends every other session;
    /// a new e-mail must be confirmed again (a link goes to the new address).
    @Sendable func updateMe(_ request: Request, context: PlatformRequestContext) async throws -> User {
        let identity = try context.requireIdentity()
        let body = try await request.decodeJSON(as: ProfileBody.self, context: context)
        var v = Validator()
        body.validateProfile(&v)
        PasswordPolicy.check(body.newPassword, field: "new_password", settings: settings.passwords, into: &v, required: false)
        v.check(body.role == nil, "role", "not_allowed", "Your own role is changed by a workspace administrator.")
        try v.validate()
        guard let user = try await users.find(id: identity.userID) else { throw APIError.unauthenticated() }
        let changesEmail = body.email.map { EmailAddress.normalize($0) != user.email } ?? false
        let changesPassword = body.newPassword != nil
        if changesEmail || changesPassword {
            if identity.actor != nil {
                throw APIError.forbidden("impersonation_forbidden", "E-mail and password cannot be changed while impersonating.")
            }
            if let stored = try await users.passwordHash(userID: user.id) {
                guard let current = body.currentPassword, current.unicodeScalars.count <= settings.passwords.maxLength,
                      try await passwords.verify(current, against: stored)
                else {
                    throw APIError.validation(field: "current_password", code: "incorrect", message: "The current password is not correct.")
                }
            }
        }
        let newHash: String? = if let value = body.newPassword { try await passwords.hash(value) } else { nil }
        let ip = clients.read(request, context).ip
        let ttl = settings.activationTTL
        return try await database.transaction { connection in
            var patch = body.patch
            if !changesEmail { patch.email = nil }
            guard let updated = try await users.update(userID: user.id, patch: patch, on: connection) else {
                throw APIError.unauthenticated()
            }
            if let newHash {
                try await users.setPassword(userID: user.id, hash: newHash, on: connection)
                try await tokens.revokeSessions(userID: user.id, except: identity.sessionID, reason: "password_changed", on: connection)
                try await users.securityEvent("password_changed", userID: user.id, ip: ip, on: connection)
                try await outbox.enqueue(emails.passwordChanged(to: updated.email, name: updated.fullName), on: connection)
            }
            if changesEmail {
                let issued = try await singleUseTokens.issue(.activation, userID: user.id, email: updated.email, ttl: ttl, on: connection)
                try await outbox.enqueue(emails.verification(to: updated.email, name: updated.fullName, token: issued.token,
                                                                       hours: Int(ttl / 3600)), on: connection)
            }
            return try await users.find(id: user.id, on: connection) ?? updated
        }
    }

    /// `GET /auth/{user_id}[?workspace_id=]`: same or higher role in a shared workspace.
    @Sendable func getUser(_ request: Request, context: PlatformRequestContext) async throws -> User {
        let caller = try context.requireIdentity()
        let targetID = try context.parameters.userID()
        var query = QueryReader(request)
        let workspaceID = query.uuid("workspace_id")
        try query.validate()
        try await UserAccessPolicy(database: database).requireView(caller: caller.userID, target: targetID, workspaceID: workspaceID)
        guard let user = try await users.find(id: targetID) else { throw APIError.notFound("user") }
        return user
    }

    /// `PUT /auth/{user_id}`: profile fields, e-mail and role of another user. Needs `members.update` and the
    /// same or a higher role in a shared workspace (`workspace_id`, else `x-workspace-id`/`x-org`, picks it;
    /// a role change needs one).
    /// Roles: admin/member/viewer, never above the caller's own, never the owner's; the e-mail only of a
    /// user who belongs to no other workspace (otherwise one workspace's admin could take over an account
    /// that others rely on, through a password reset to the new address).
    @Sendable func updateUser(_ request: Request, context: PlatformRequestContext) async throws -> User {
        let caller = try context.requireIdentity()
        let targetID = try context.parameters.userID()
        let body = try await request.decodeJSON(as: ProfileBody.self, context: context)
        var v = Validator()
        body.validateProfile(&v)
        v.oneOf(body.role, "role", Role.assignable)
        // The body's workspace_id, else the request's (x-workspace-id / x-org), as on the tenant routes.
        let workspaceID = try body.workspaceId ?? TenantHeaders.companyID(in: request.headers)
        v.check(body.role == nil || workspaceID != nil, "workspace_id", "required",
                "A role change names its workspace (workspace_id, or the x-workspace-id header).")
        v.check(body.newPassword == nil && body.currentPassword == nil, "new_password", "not_allowed",
                "Passwords are changed by their owner or through a reset link.")
        try v.validate()
        if targetID == caller.userID, body.role == nil, body.email == nil {
            // Editing oneself through this route is plain profile editing.
            return try await database.transaction { connection in
                guard let user = try await users.update(userID: targetID, patch: body.patch, on: connection) else {
                    throw APIError.notFound("user")
                }
                return user
            }
        }
        let policy = UserAccessPolicy(database: database)
        let scope = try await policy.requireEdit(caller: caller.userID, target: targetID, workspaceID: workspaceID)
        if let role = body.role, role != scope.targetRole {
            guard targetID != caller.userID else { throw APIError.forbidden("own_role", "You cannot change your own role.") }
            guard scope.targetRole != Role.owner.rawValue else {
                throw APIError.forbidden("owner_role_protected", "The owner's role changes only through an ownership transfer.")
            }
            try Role.require(scope.callerRole, atLeast: role, "You cannot grant a role above your own.")
        }
        var patch = body.patch
        if let email = body.email, let target = try await users.find(id: targetID), EmailAddress.normalize(email) != target.email {
            guard try await policy.otherWorkspaces(of: targetID, besides: scope.workspaceID) == 0 else {
                throw APIError.forbidden("email_change_not_allowed",
                                         "This user belongs to other workspaces too; only they can change their e-mail.")
            }
        } else {
            patch.email = nil
        }
        let members = MemberRepository(database: database)
        return try await database.transaction { connection in
            guard let user = try await users.update(userID: targetID, patch: patch, on: connection) else {
                throw APIError.notFound("user")
            }
            if let role = body.role, role != scope.targetRole {
                try await members.setRole(workspaceID: scope.workspaceID, userID: targetID, role: role, on: connection)
                try await workspaces.recordActivity(
                    workspaceID: scope.workspaceID, userID: caller.userID, actor: caller.actor, action: "member.role_changed",
                    entityType: "user", entityID: targetID.uuidString.lowercased(), description: "Role changed to \(role)", on: connection)
                try await Notifier(logger: database.logger, emails: emails)
                    .roleChanged(targetID, in: scope.workspaceID, from: scope.targetRole, to: role, on: connection)
            }
            return user
        }
    }
}
