import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Members of the current workspace: list, directory, one member, edit, avatar.
struct MemberHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    let avatars: AvatarHandlers
    let notifier: Notifier
    var members: MemberRepository { MemberRepository(database: database) }

    /// `GET /members?search=&is_active=&skip=&limit=`.
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> OffsetPage<Member> {
        let scope = try context.tenant(permission: Permission.membersRead)
        var query = QueryReader(request)
        let search = query.search("search")
        let isActive = query.bool("is_active")
        let (skip, limit) = query.skipLimit()
        try query.validate()
        let page = try await members.list(workspaceID: scope.companyID,
                                          filter: .init(search: search, isActive: isActive, skip: skip, limit: limit))
        return OffsetPage(items: page.members, total: page.total, skip: skip, limit: limit)
    }

    /// `GET /members/directory`.
    @Sendable func directory(_ request: Request, context: PlatformRequestContext) async throws -> MemberDirectory {
        let scope = try context.tenant(permission: Permission.membersRead)
        return try await members.directory(workspaceID: scope.companyID)
    }

    /// `GET /members/{member_id}`.
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> Member {
        let scope = try context.tenant(permission: Permission.membersRead)
        let memberID = try context.parameters.uuid("member_id", what: "member")
        guard let member = try await members.find(workspaceID: scope.companyID, memberID: memberID) else {
            throw APIError.notFound("member")
        }
        return member
    }

    /// `PUT /members/{member_id}`: role, status (active / suspended), title, department. Members edit their
    /// own title and department; everything else needs `members.update` and the same or a higher role.
    @Sendable func update(_ request: Request, context: PlatformRequestContext) async throws -> Member {
        let identity = try context.requireIdentity()
        let workspaceID = try context.requireCompany()
        let callerRole = context.kisum.access?.role ?? ""
        let mayUpdate = context.kisum.access?.permits(Permission.membersUpdate) ?? false
        let memberID = try context.parameters.uuid("member_id", what: "member")
        let body = try await request.decodeValid(as: MemberPatch.self, context: context)
        let members = self.members
        return try await database.transaction { connection in
            guard let target = try await members.lock(workspaceID: workspaceID, memberID: memberID, on: connection) else {
                throw APIError.notFound("member")
            }
            let changesRole = body.role.map { $0 != target.role } ?? false
            let changesStatus = body.status.map { $0 != target.status } ?? false
            if target.userId == identity.userID {
                if changesRole { throw APIError.forbidden("own_role", "You cannot change your own role.") }
                if changesStatus { throw APIError.forbidden("own_status", "You cannot suspend or reactivate yourself.") }
            } else {
                guard mayUpdate else { throw APIError.permissionDenied(Permission.membersUpdate) }
                try MemberPolicy.requireRank(callerRole: callerRole, over: target.role, "edit")
                if let role = body.role, changesRole {
                    try Role.require(callerRole, atLeast: role, "You cannot grant a role above your own.")
                    if target.role == Role.owner.rawValue, try await isPrimaryOwner(target, on: connection) {
                        throw APIError.conflict("owner_protected", "The workspace owner's role changes only through an ownership transfer.")
                    }
                }
                if changesStatus {
                    if target.status == MembershipStatus.invited {
                        throw APIError.conflict("member_invited", "This person has not accepted the invitation yet; cancel or resend it instead.")
                    }
                    if target.role == Role.owner.rawValue { throw MemberPolicy.ownerProtected }
                }
            }
            var patch = body
            if !changesRole { patch.role = nil }
            if !changesStatus { patch.status = nil }
            guard try await members.update(workspaceID: workspaceID, memberID: memberID, patch: patch, on: connection) else {
                throw MemberPolicy.lastOwner
            }
            try await record(target: target, patch: patch, by: identity, on: connection)
            return try await members.find(workspaceID: workspaceID, memberID: memberID, on: connection).orNotFound("member")
        }
    }

    /// The workspace's recorded owner (`workspaces.owner_id`), whose role only an ownership transfer moves.
    private func isPrimaryOwner(_ member: Member, on connection: PostgresConnection) async throws -> Bool {
        try await workspaces.isRecordedOwner(workspaceID: member.workspaceId, userID: member.userId, on: connection)
    }

    private func record(target: Member, patch: MemberPatch, by identity: Identity, on connection: PostgresConnection) async throws {
        let entity = target.id.uuidString.lowercased()
        func log(_ action: String, _ description: String) async throws {
            try await workspaces.recordActivity(workspaceID: target.workspaceId, userID: identity.userID, actor: identity.actor,
                                                     action: action, entityType: "member", entityID: entity,
                                                     description: description, on: connection)
        }
        if let role = patch.role {
            try await log("member.role_changed", "Role of \(target.email) changed from \(target.role) to \(role)")
            try await notifier.roleChanged(target.userId, in: target.workspaceId, from: target.role, to: role, on: connection)
            // A pending invitation carries the role the person will get; keep it in step.
            try await InvitationRepository(logger: database.logger)
                .setPendingRole(workspaceID: target.workspaceId, memberID: target.id, role: role, on: connection)
        }
        if let status = patch.status {
            if status == MembershipStatus.suspended {
                try await log("member.suspended", "\(target.email) suspended")
            } else {
                try await log("member.reactivated", "\(target.email) reactivated")
            }
        }
        if !patch.title.isAbsent || !patch.department.isAbsent {
            try await log("member.updated", "Profile of \(target.email) updated")
        }
    }

    /// `POST /members/{member_id}/avatar`: one's own, or anyone's with `members.update` and the same or a
    /// higher role. The upload itself is the Authentication avatar upload (`AvatarHandlers.store`).
    @Sendable func uploadAvatar(_ request: Request, context: PlatformRequestContext) async throws -> AvatarHandlers.AvatarUploaded {
        let identity = try context.requireIdentity()
        let workspaceID = try context.requireCompany()
        let memberID = try context.parameters.uuid("member_id", what: "member")
        guard let target = try await members.find(workspaceID: workspaceID, memberID: memberID) else {
            throw APIError.notFound("member")
        }
        if target.userId != identity.userID {
            try context.require(permission: Permission.membersUpdate)
            try MemberPolicy.requireRank(callerRole: context.kisum.access?.role ?? "", over: target.role, "edit")
        }
        let uploaded = try await avatars.store(request, for: target.userId)
        // The upload has no transaction of its own (file first, then the user row): recorded right after it.
        try await database.transaction { connection in
            try await workspaces.recordActivity(workspaceID: workspaceID, userID: identity.userID, actor: identity.actor,
                                                action: "member.avatar_updated", entityType: "member", entityID: memberID.uuidString.lowercased(),
                                                description: "Avatar of \(target.fullName ?? target.email) changed", on: connection)
        }
        return uploaded
    }
}
