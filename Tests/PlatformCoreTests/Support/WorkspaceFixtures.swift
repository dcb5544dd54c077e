import Foundation
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PlatformCore
import PostgresNIO

/// Helpers of the Workspaces and invitation tests (a namespace of their own, so helpers other groups
/// add to `Harness` or `TestResponse` cannot collide with them).
enum WorkspaceFixtures {
    /// Platform staff (`users.is_superuser`).
    static func superuser(_ h: Harness) async throws -> User {
        let user = try await h.user()
        try await h.core.database.query("UPDATE users SET is_superuser = true WHERE id = \(user.id)")
        return user
    }

    /// The token of the newest invitation e-mail to `email` ("" when there is none).
    static func invitationToken(_ h: Harness, to email: String) async throws -> String {
        tokenParameter(try await h.lastEmail(to: email)["links"]?["invitation"])
    }

    /// Grants (or with `granted: false` revokes) a permission of a role in a workspace.
    static func setPermission(_ h: Harness, _ permission: String, role: String, in workspace: Workspace, granted: Bool = true) async throws {
        if granted {
            try await h.core.database.query("""
                INSERT INTO role_permissions (workspace_id, role, permission) VALUES (\(workspace.id), \(role), \(permission))
                ON CONFLICT DO NOTHING
                """)
        } else {
            try await h.core.database.query("""
                DELETE FROM role_permissions WHERE workspace_id = \(workspace.id) AND role = \(role) AND permission = \(permission)
                """)
        }
    }

    /// The fields named by a 422's details.
    static func fields(_ response: TestResponse) -> Set<String> {
        Set(response.json["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
    }

    static func id(_ value: UUID) -> JSONValue {
        .string(value.uuidString.lowercased())
    }
}
