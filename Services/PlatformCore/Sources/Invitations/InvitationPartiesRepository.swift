import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The workspace and the people an invitation names, as its e-mail and its accept page show them.
struct InvitationPartiesRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// The workspace's name and the inviter's name (their e-mail when they have none), for the
    /// invitation e-mail; nil when either is unknown.
    func workspaceAndInviterNames(workspaceID: UUID, inviterID: UUID, on connection: PostgresConnection) async throws
        -> (String, String)?
    {
        try await connection.query("""
            SELECT w.name, COALESCE(u.full_name, u.email) FROM workspaces w, users u
            WHERE w.id = \(workspaceID) AND u.id = \(inviterID)
            """, logger: logger).first { try $0.decode((String, String).self) }
    }

    /// The active workspace's name and logo, and the sender's name and e-mail (nil when unknown); nil
    /// when the workspace is not active.
    func workspaceAndSender(workspaceID: UUID, senderID: UUID?) async throws -> (String, String?, String?, String?)? {
        try await database.query("""
            SELECT w.name, w.logo_url, s.full_name, s.email
            FROM workspaces w LEFT JOIN users s ON s.id = \(senderID)
            WHERE w.id = \(workspaceID) AND w.status = 'active'
            """).first { try $0.decode((String, String?, String?, String?).self) }
    }
}
