import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Offboarding and removal routes. All are for admins and owners (`members.remove` can narrow that): they show who holds what, move it, and
/// take people out of the workspace.
struct OffboardingHandlers {
    let database: Database
    let workspaces: WorkspaceRepository
    let access: DatabaseAccessResolver
    let removal: MemberRemoval
    var offboarding: OffboardingRepository { OffboardingRepository(database: database) }

    /// `GET /members/{member_id}/deletion-info`.
    @Sendable func deletionInfo(_ request: Request, context: PlatformRequestContext) async throws -> DeletionInfo {
        let scope = try context.adminTenant(Permission.membersRemove)
        let memberID = try context.parameters.uuid("member_id", what: "member")
        guard let member = try await MemberRepository(database: database).find(workspaceID: scope.companyID, memberID: memberID) else {
            throw APIError.notFound("member")
        }
        let facts = try await offboarding.accountFacts(userID: member.userId, besides: scope.companyID)
        let owned = try await offboarding.ownedItems(workspaceID: scope.companyID, memberID: memberID, userID: member.userId)
        var blockers: [String] = []
        if member.userId == scope.userID { blockers.append("is_self") }
        if member.role == Role.owner.rawValue { blockers.append("is_owner") }
        if !Role.ranks(context.kisum.access?.role ?? "", atLeast: member.role) { blockers.append("insufficient_role") }
        let canRemove = blockers.isEmpty
        if facts.otherWorkspaces > 0 { blockers.append("user_in_other_workspaces") }
        if facts.isSuperuser { blockers.append("staff_account") }
        return DeletionInfo(
            memberId: member.id, userId: member.userId, email: member.email, role: member.role, status: member.status,
            workspaceCount: facts.otherWorkspaces + 1, canRemove: canRemove, canDeleteUser: blockers.isEmpty, blockers: blockers,
            ownedItems: owned.counts)
    }

    /// `GET /members/{member_id}/owned-items` (removed members included: their items can still be handed over).
    @Sendable func ownedItems(_ request: Request, context: PlatformRequestContext) async throws -> OwnedItems {
        let scope = try context.adminTenant(Permission.membersRemove)
        let memberID = try context.parameters.uuid("member_id", what: "member")
        guard let member = try await offboarding.member(workspaceID: scope.companyID, memberID: memberID) else {
            throw APIError.notFound("member")
        }
        return try await offboarding.ownedItems(workspaceID: scope.companyID, memberID: memberID, userID: member.userID)
    }

    struct ReassignBody: ValidatableBody {
        var toMemberId: String?

        var target: UUID? { toMemberId.flatMap(UUID.init(uuidString:)) }

        func validate(_ v: inout Validator) {
            guard let toMemberId else { return v.add("to_member_id", "required", "This field is required.") }
            v.check(UUID(uuidString: toMemberId) != nil, "to_member_id", "invalid_uuid", "Must be a UUID.")
        }
    }

    /// `POST /members/{member_id}/reassign` `{to_member_id}`: moves every reassignable kind of
    /// `OffboardingRepository.kinds` to an active member, in one transaction.
    @Sendable func reassign(_ request: Request, context: PlatformRequestContext) async throws -> ReassignResult {
        let scope = try context.adminTenant(Permission.membersRemove)
        let identity = try context.requireIdentity()
        let callerRole = context.kisum.access?.role ?? ""
        let memberID = try context.parameters.uuid("member_id", what: "member")
        let body = try await request.decodeValid(as: ReassignBody.self, context: context)
        let toID = body.target!
        let offboarding = self.offboarding
        return try await database.transaction { connection in
            guard let source = try await offboarding.member(workspaceID: scope.companyID, memberID: memberID, on: connection) else {
                throw APIError.notFound("member")
            }
            try MemberPolicy.requireRank(callerRole: callerRole, over: source.role, "reassign the items of")
            guard toID != memberID else {
                throw APIError.validation(field: "to_member_id", code: "same_member", message: "Choose another member to receive the items.")
            }
            guard let target = try await offboarding.member(workspaceID: scope.companyID, memberID: toID, on: connection),
                  target.status == MembershipStatus.active
            else {
                throw APIError.validation(field: "to_member_id", code: "not_an_active_member",
                                          message: "The receiving member must be an active member of this workspace.")
            }
            let result = try await offboarding.reassign(workspaceID: scope.companyID, from: (memberID, source.userID),
                                                        to: (toID, target.userID), by: scope.userID, on: connection)
            try await workspaces.recordActivity(
                workspaceID: scope.companyID, userID: scope.userID, actor: identity.actor, action: "member.items_reassigned",
                entityType: "member", entityID: memberID.uuidString.lowercased(),
                description: "Items reassigned to member \(toID.uuidString.lowercased()): "
                    + result.moved.byKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "),
                on: connection)
            return result
        }
    }

    /// `DELETE /members/{member_id}`: spec cases 1 and 2; the account always stays.
    @Sendable func remove(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let scope = try context.adminTenant(Permission.membersRemove)
        let memberID = try context.parameters.uuid("member_id", what: "member")
        _ = try await removal.remove(workspaceID: scope.companyID, memberID: memberID, caller: try context.requireIdentity(),
                                                       callerRole: context.kisum.access?.role ?? "", deletion: .never)
        return Response(status: .noContent)
    }

    /// `DELETE /members/{member_id}/permanent`: removes the member and deletes the account, which must belong
    /// to no other workspace.
    @Sendable func deletePermanently(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let scope = try context.adminTenant(Permission.membersRemove)
        let memberID = try context.parameters.uuid("member_id", what: "member")
        _ = try await removal.remove(workspaceID: scope.companyID, memberID: memberID, caller: try context.requireIdentity(),
                                                       callerRole: context.kisum.access?.role ?? "", deletion: .required)
        return Response(status: .noContent)
    }

    /// `DELETE /workspaces/{workspace_id}/members/{member_id}` (Workspaces group, `jwt`): spec cases 1–3.
    @Sendable func removeFromWorkspace(_ request: Request, context: PlatformRequestContext) async throws -> RemovalSummary {
        let identity = try context.requireIdentity()
        let workspaceID = try context.parameters.uuid("workspace_id", what: "workspace")
        let memberID = try context.parameters.uuid("member_id", what: "member")
        let access = try await access.adminWorkspaceAccess(userID: identity.userID, workspaceID: workspaceID, permission: Permission.membersRemove)
        return try await removal.remove(workspaceID: workspaceID, memberID: memberID, caller: identity,
                                                          callerRole: access.role, deletion: .whenOrphaned)
    }
}
