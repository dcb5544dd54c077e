import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// `payment_invite_redemptions`: a Stripe payment invite (checkout code) turns into one workspace only.
struct PaymentInviteRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    func isRedeemed(_ code: String) async throws -> Bool {
        try await database.query("SELECT 1 FROM payment_invite_redemptions WHERE code = \(code)").first { _ in true } ?? false
    }

    /// Records the redemption inside the signup's transaction; the code is the primary key, so a second
    /// redemption (a race past `isRedeemed`) is 409 `invite_used`.
    func recordRedemption(code: String, email: String, workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        do {
            try await connection.query("""
                INSERT INTO payment_invite_redemptions (code, email, workspace_id, user_id)
                VALUES (\(code), \(email), \(workspaceID), \(userID))
                """, logger: logger)
        } catch where error.postgresViolation?.sqlState == "23505" {
            throw APIError.conflict("invite_used", "This invite was already used to create a workspace.")
        }
    }
}
