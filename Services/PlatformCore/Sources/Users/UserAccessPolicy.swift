import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// "Same or higher role": who may see or edit another user. Both must be members of a common active
/// workspace where the caller's membership is active and the caller's role ranks at least as high as
/// the target's; editing also needs `members.update` there. Users who share no workspace do not exist
/// for each other (404).
struct UserAccessPolicy: Sendable {
    let database: Database

    struct Shared: Sendable {
        var workspaceID: UUID
        var callerRole: String
        var targetRole: String
        var rankAllows: Bool
        var canUpdate: Bool
    }

    /// The workspaces the caller shares with the target (optionally only `workspaceID`), one query.
    func shared(caller: UUID, target: UUID, workspaceID: UUID?) async throws -> [Shared] {
        try await UserAccessRepository(database: database).sharedWorkspaces(caller: caller, target: target, workspaceID: workspaceID)
    }

    /// Throws unless the caller may view the target (themselves always).
    func requireView(caller: UUID, target: UUID, workspaceID: UUID?) async throws {
        guard caller != target else { return }
        let shared = try await shared(caller: caller, target: target, workspaceID: workspaceID)
        guard !shared.isEmpty else { throw APIError.notFound("user") }
        guard shared.contains(where: \.rankAllows) else {
            throw APIError.forbidden("insufficient_role", "You can only view users with the same or a lower role.")
        }
    }

    /// The workspace in which the caller may edit the target, or throws.
    func requireEdit(caller: UUID, target: UUID, workspaceID: UUID?) async throws -> Shared {
        let shared = try await shared(caller: caller, target: target, workspaceID: workspaceID)
        guard !shared.isEmpty else { throw APIError.notFound("user") }
        guard let allowed = shared.first(where: { $0.rankAllows && $0.canUpdate }) else {
            if !shared.contains(where: \.canUpdate) {
                throw APIError.permissionDenied(Permission.membersUpdate)
            }
            throw APIError.forbidden("insufficient_role", "You can only edit users with the same or a lower role.")
        }
        return allowed
    }

    /// Workspaces (not removed) the user belongs to other than `workspaceID`.
    func otherWorkspaces(of user: UUID, besides workspaceID: UUID) async throws -> Int {
        try await UserAccessRepository(database: database).countOtherWorkspaces(of: user, besides: workspaceID)
    }
}
