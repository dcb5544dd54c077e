import Foundation
import KisumPersistence
import PostgresNIO

/// The sign-in lockout on `credentials`: what `POST /auth/login` reads and counts (see `LoginHandlers.login`
/// for the order these run in). Each is one statement on the pool, outside any transaction.
extension UserRepository {
    /// The account behind an e-mail as the login needs it: whether it has a password, whether it is
    /// locked now and for how many more seconds. nil: no account with this e-mail.
    func loginAccount(email: String) async throws -> (userID: UUID, hasPassword: Bool, locked: Bool, lockedForSeconds: Int?)? {
        try await database.query("""
            SELECT u.id, c.user_id IS NOT NULL, COALESCE(c.locked_until > now(), false),
                   GREATEST(0, CEIL(EXTRACT(EPOCH FROM (c.locked_until - now()))))::int8
            FROM users u LEFT JOIN credentials c ON c.user_id = u.id
            WHERE lower(u.email) = \(email)
            """).first { try $0.decode((UUID, Bool, Bool, Int?).self) }
    }

    /// Counts a sign-in attempt *before* its password is checked, and locks the account for `lockDuration`
    /// when the count reaches `maxFailures` — one conditional UPDATE, so parallel attempts cannot get more
    /// than `maxFailures` password checks. An expired lock restarts the count at 1. Returns the stored hash
    /// and whether this attempt locked the account; nil when the account is locked (or has no password).
    func reserveLoginAttempt(userID: UUID, maxFailures: Int, lockDuration: TimeInterval) async throws -> (passwordHash: String, lockedNow: Bool)? {
        try await database.query("""
            UPDATE credentials SET
                failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END,
                locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END) >= \(maxFailures)
                                    THEN now() + make_interval(secs => \(lockDuration)) ELSE NULL END
            WHERE user_id = \(userID) AND (locked_until IS NULL OR locked_until <= now())
            RETURNING password_hash, locked_until IS NOT NULL
            """).first { try $0.decode((String, Bool).self) }
    }

    /// The attempt was already counted by `reserveLoginAttempt`; this only stamps the time of the failure.
    func recordFailedLogin(userID: UUID) async throws {
        try await database.query("UPDATE credentials SET last_failed_at = now() WHERE user_id = \(userID)")
    }

    /// A right password: resets the failure count and lock, and stores `upgradedHash` when the old hash
    /// was made with older parameters (nil keeps the stored one).
    func recordSuccessfulLogin(userID: UUID, upgradedHash: String?) async throws {
        try await database.query("""
            UPDATE credentials SET failed_attempts = 0, locked_until = NULL,
                password_hash = COALESCE(\(upgradedHash), password_hash), updated_at = now()
            WHERE user_id = \(userID)
            """)
    }
}
