import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// `POST /workspaces/switch`: the workspace, and the caller's role, permissions and modules there.
public struct WorkspaceSwitched: ResponseEncodable, Sendable {
    public var workspace: WorkspaceView
    public var role: String
    public var permissions: [String]
    public var modules: [String]
}

/// The caller's own workspaces: list, create, read, update, switch, and the member list.
struct WorkspaceHandlers {
    let workspaces: WorkspaceRepository
    let database: Database
    let access: DatabaseAccessResolver

    static let membershipStatuses = [MembershipStatus.active, MembershipStatus.invited, MembershipStatus.suspended]

    /// `GET /workspaces?skip=&limit=&q=&status=`: workspaces where the caller's membership is not
    /// removed (invited ones too, so pending invitations show), by name.
    @Sendable func list(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<WorkspaceView> {
        let identity = try context.requireIdentity()
        var q = QueryReader(request)
        let (skip, limit) = q.plainListWindow()
        let filter = WorkspaceListFilter(search: q.search(), membershipStatus: q.oneOf("status", Self.membershipStatuses),
                                         skip: skip, limit: limit)
        try q.validate()
        let (items, total) = try await workspaces.views(userID: identity.userID, filter: filter)
        return PlainList(items: items, total: total)
    }

    /// `POST /workspaces[?skip_seed=]`: a workspace owned by the caller, with the owner membership, the
    /// default role permissions and every default module, in one transaction. `skip_seed` is accepted
    /// for compatibility: there is no sample data to skip, and permissions and modules are always
    /// seeded because access depends on them.
    @Sendable func create(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<WorkspaceView> {
        let identity = try context.requireIdentity()
        var q = QueryReader(request)
        _ = q.bool("skip_seed")
        try q.validate()
        let body = try await request.decodeJSON(as: WorkspaceBody.self, context: context)
        var v = Validator()
        body.validate(&v, creating: true)
        try v.validate()
        let patch = body.patch(includeName: false)
        let view = try await database.transaction { connection in
            let workspace = try await workspaces.create(name: body.name!, ownerID: identity.userID, createdBy: identity.userID,
                                                             on: connection)
            if !patch.changedFields.isEmpty {
                try await workspaces.update(workspaceID: workspace.id, patch: patch, on: connection)
            }
            return try await workspaces.view(workspaceID: workspace.id, userID: identity.userID, on: connection).orNotFound("workspace")
        }
        return view.created()
    }

    /// `GET /workspaces/{workspace_id}`: for active members; anyone else (and unknown ids) 404.
    @Sendable func get(_ request: Request, context: PlatformRequestContext) async throws -> WorkspaceView {
        let identity = try context.requireIdentity()
        let workspaceID = try context.parameters.uuid("workspace_id", what: "workspace")
        _ = try await access.workspaceAccess(userID: identity.userID, workspaceID: workspaceID, permission: nil)
        guard let view = try await workspaces.view(workspaceID: workspaceID, userID: identity.userID) else {
            throw APIError.notFound("workspace")
        }
        return view
    }

    /// `PUT /workspaces/{workspace_id}` (admin or owner; `workspace.update` can narrow it): name, slug, profile fields, settings.
    @Sendable func update(_ request: Request, context: PlatformRequestContext) async throws -> WorkspaceView {
        let identity = try context.requireIdentity()
        let workspaceID = try context.parameters.uuid("workspace_id", what: "workspace")
        _ = try await access.adminWorkspaceAccess(userID: identity.userID, workspaceID: workspaceID, permission: Permission.workspaceUpdate)
        let body = try await request.decodeJSON(as: WorkspaceBody.self, context: context)
        var v = Validator()
        body.validate(&v, creating: false)
        try v.validate()
        let patch = body.patch()
        return try await database.transaction { connection in
            if !patch.changedFields.isEmpty {
                try await workspaces.update(workspaceID: workspaceID, patch: patch, on: connection)
                try await workspaces.recordActivity(
                    workspaceID: workspaceID, userID: identity.userID, actor: identity.actor, action: "workspace.updated",
                    entityType: "workspace", entityID: workspaceID.uuidString.lowercased(),
                    description: "Changed \(patch.changedFields.joined(separator: ", "))", on: connection)
            }
            guard let view = try await workspaces.view(workspaceID: workspaceID, userID: identity.userID, on: connection) else {
                throw APIError.notFound("workspace")
            }
            return view
        }
    }

    struct SwitchBody: ValidatableBody {
        var workspaceId: UUID?
        func validate(_ v: inout Validator) {
            v.check(workspaceId != nil, "workspace_id", "required", "This field is required.")
        }
    }

    /// `POST /workspaces/switch`: needs an active membership (else 404); remembers the choice as the
    /// user's current workspace. No new tokens: they are not bound to a workspace (requests name it in
    /// x-workspace-id / x-org).
    @Sendable func switchWorkspace(_ request: Request, context: PlatformRequestContext) async throws -> WorkspaceSwitched {
        let identity = try context.requireIdentity()
        let body = try await request.decodeValid(as: SwitchBody.self, context: context)
        let workspaceID = body.workspaceId!
        let access = try await access.workspaceAccess(userID: identity.userID, workspaceID: workspaceID, permission: nil)
        try await workspaces.setCurrent(userID: identity.userID, workspaceID: workspaceID)
        guard let view = try await workspaces.view(workspaceID: workspaceID, userID: identity.userID) else {
            throw APIError.notFound("workspace")
        }
        return WorkspaceSwitched(workspace: view, role: access.role, permissions: access.permissions, modules: access.modules)
    }

    /// `GET /workspaces/{workspace_id}/members?skip=&limit=&q=&status=&role=` (members.read): members and
    /// open invitations in one list.
    @Sendable func members(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<WorkspaceMemberEntry> {
        let identity = try context.requireIdentity()
        let workspaceID = try context.parameters.uuid("workspace_id", what: "workspace")
        _ = try await access.workspaceAccess(userID: identity.userID, workspaceID: workspaceID, permission: Permission.membersRead)
        var q = QueryReader(request)
        let (skip, limit) = q.plainListWindow()
        let filter = WorkspaceMemberFilter(search: q.search(), status: q.oneOf("status", Self.membershipStatuses),
                                           role: q.oneOf("role", Role.allCases.map(\.rawValue)), skip: skip, limit: limit)
        try q.validate()
        let (items, total) = try await workspaces.members(workspaceID: workspaceID, filter: filter)
        return PlainList(items: items, total: total)
    }
}
