import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Users and their credentials. Functions taking a `PostgresConnection` run inside the caller's
/// transaction; the others use the pool.
public struct UserRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    public init(database: Database) {
        self.database = database
    }

    public func find(id: UUID) async throws -> User? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM users u WHERE u.id = \(id)").first(User.init(row:))
    }

    public func find(id: UUID, on connection: PostgresConnection) async throws -> User? {
        try await connection.query("SELECT \(unescaped: Self.columns) FROM users u WHERE u.id = \(id)", logger: logger)
            .first(User.init(row:))
    }

    public func find(email: String, on connection: PostgresConnection? = nil) async throws -> User? {
        let email = EmailAddress.normalize(email)
        let query: PostgresQuery = "SELECT \(unescaped: Self.columns) FROM users u WHERE lower(u.email) = \(email)"
        if let connection { return try await connection.query(query, logger: logger).first(User.init(row:)) }
        return try await database.query(query).first(User.init(row:))
    }

    /// Creates a user; a taken e-mail is 409 `email_taken`.
    public func create(
        email: String, fullName: String?, status: String, passwordHash: String?, emailVerified: Bool = false,
        clerkID: String? = nil, on connection: PostgresConnection
    ) async throws -> User {
        let email = EmailAddress.normalize(email)
        let id: UUID
        do {
            id = try await connection.query("""
                INSERT INTO users (email, full_name, status, clerk_id, email_verified_at)
                VALUES (\(email), \(fullName), \(status), \(clerkID), CASE WHEN \(emailVerified) THEN now() END)
                RETURNING id
                """, logger: logger).first { try $0.decode(UUID.self) }!
        } catch where error.postgresViolation?.constraint == "users_email_key" {
            throw APIError.conflict("email_taken", "An account with this e-mail already exists.")
        }
        if let passwordHash {
            try await setPassword(userID: id, hash: passwordHash, on: connection)
        }
        return try await find(id: id, on: connection).orNotFound("user")
    }

    /// The account for an e-mail, or a new `pending` one without a password (an invitee or a provisioned
    /// owner chooses it later). A concurrent creation of the same address yields that account, not an error.
    func findOrCreatePending(email: String, fullName: String?, on connection: PostgresConnection) async throws -> (user: User, created: Bool) {
        let email = EmailAddress.normalize(email)
        let created = try await connection.query("""
            INSERT INTO users (email, full_name, status) VALUES (\(email), \(fullName), 'pending')
            ON CONFLICT ((lower(email))) DO NOTHING
            RETURNING id
            """, logger: logger).first { _ in true } ?? false
        // Nil only when the conflicting account was deleted or changed its e-mail after the insert skipped it.
        guard let user = try await find(email: email, on: connection) else {
            throw APIError.conflict("concurrent_update", "The account changed concurrently; retry the request.")
        }
        return (user, created)
    }

    /// Sets (or replaces) the password and clears the lockout.
    public func setPassword(userID: UUID, hash: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO credentials (user_id, password_hash) VALUES (\(userID), \(hash))
            ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, failed_attempts = 0,
                locked_until = NULL, password_changed_at = now(), updated_at = now()
            """, logger: logger)
    }

    /// The stored hash (nil: the user has no password).
    public func passwordHash(userID: UUID, on connection: PostgresConnection? = nil) async throws -> String? {
        let query: PostgresQuery = "SELECT password_hash FROM credentials WHERE user_id = \(userID)"
        if let connection { return try await connection.query(query, logger: logger).first { try $0.decode(String.self) } }
        return try await database.query(query).first { try $0.decode(String.self) }
    }

    /// Marks the e-mail verified and a pending account active (a disabled account stays disabled).
    public func activate(userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE users SET status = CASE WHEN status = 'pending' THEN 'active' ELSE status END,
                email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()
            WHERE id = \(userID)
            """, logger: logger)
    }

    /// An invitee joining: a pending account becomes active (a disabled one stays disabled), the e-mail is
    /// marked verified only when `verifyEmail` (an e-mailed link proves the address, a copied one does not),
    /// and `fullName` is set when given.
    func activateInvitee(userID: UUID, verifyEmail: Bool, fullName: String?, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE users SET status = CASE WHEN status = 'pending' THEN 'active' ELSE status END,
                email_verified_at = CASE WHEN \(verifyEmail)
                                         THEN COALESCE(email_verified_at, now()) ELSE email_verified_at END,
                full_name = COALESCE(\(fullName), full_name), updated_at = now()
            WHERE id = \(userID)
            """, logger: logger)
    }

    /// Platform staff (`users.is_superuser`, never granted through the API); false for an unknown user.
    func isSuperuser(userID: UUID) async throws -> Bool {
        try await database.query("SELECT is_superuser FROM users WHERE id = \(userID)").first { try $0.decode(Bool.self) } ?? false
    }

    public func recordLogin(userID: UUID) async throws {
        try await database.query("UPDATE users SET last_login_at = now() WHERE id = \(userID)")
    }

    public struct ProfilePatch: Sendable {
        /// The editable texts; nil keeps the column (unlike `User`, where nil means empty).
        public var fullName, displayName, title, phone, bio, timezone, locale: String?
        public var avatarURL: String?
        /// Clears avatar_url (and the stored avatar key) when true.
        public var clearAvatar = false
        public var email: String?
        public init() {}
    }

    /// One UPDATE for the whole patch; a changed e-mail needs verifying again.
    public func update(userID: UUID, patch: ProfilePatch, on connection: PostgresConnection) async throws -> User? {
        let email = patch.email.map(EmailAddress.normalize)
        do {
            try await connection.query("""
                UPDATE users SET
                    full_name = COALESCE(\(patch.fullName), full_name),
                    display_name = COALESCE(\(patch.displayName), display_name),
                    title = COALESCE(\(patch.title), title),
                    phone = COALESCE(\(patch.phone), phone),
                    bio = COALESCE(\(patch.bio), bio),
                    timezone = COALESCE(\(patch.timezone), timezone),
                    locale = COALESCE(\(patch.locale), locale),
                    avatar_url = CASE WHEN \(patch.clearAvatar) THEN NULL ELSE COALESCE(\(patch.avatarURL), avatar_url) END,
                    avatar_key = CASE WHEN \(patch.clearAvatar) OR \(patch.avatarURL)::text IS NOT NULL THEN NULL ELSE avatar_key END,
                    email_verified_at = CASE WHEN \(email)::text IS NOT NULL AND \(email)::text <> email THEN NULL ELSE email_verified_at END,
                    email = COALESCE(\(email), email),
                    updated_at = now()
                WHERE id = \(userID)
                """, logger: logger)
        } catch where error.postgresViolation?.constraint == "users_email_key" {
            throw APIError.conflict("email_taken", "An account with this e-mail already exists.")
        }
        return try await find(id: userID, on: connection)
    }

    /// Points the avatar at a stored file; returns the previous storage key so the caller can delete it.
    public func setAvatar(userID: UUID, url: String, key: String) async throws -> (user: User, previousKey: String?)? {
        try await database.transaction { connection in
            let previous = try await connection.query("SELECT avatar_key FROM users WHERE id = \(userID) FOR UPDATE", logger: logger)
                .first { try $0.decode(String?.self) }
            guard let previous else { return nil }
            try await connection.query("""
                UPDATE users SET avatar_url = \(url), avatar_key = \(key), updated_at = now() WHERE id = \(userID)
                """, logger: logger)
            guard let user = try await find(id: userID, on: connection) else { return nil }
            return (user, previous)
        }
    }

    /// Links a Clerk id to an account found by e-mail. An account already linked to another Clerk user
    /// is not taken over (409 `clerk_account_mismatch`).
    public func linkClerk(userID: UUID, clerkID: String, on connection: PostgresConnection) async throws {
        let linked: String?
        do {
            linked = try await connection.query("""
                UPDATE users SET clerk_id = COALESCE(clerk_id, \(clerkID)), updated_at = now() WHERE id = \(userID) RETURNING clerk_id
                """, logger: logger).first { try $0.decode(String?.self) } ?? nil
        } catch where error.postgresViolation?.sqlState == "23505" {
            throw APIError.conflict("clerk_account_mismatch", "This Clerk account is linked to another user.")
        }
        guard linked == clerkID else {
            throw APIError.conflict("clerk_account_mismatch", "This account is linked to another Clerk user.")
        }
    }

    public func find(clerkID: String, on connection: PostgresConnection) async throws -> User? {
        try await connection.query("SELECT \(unescaped: Self.columns) FROM users u WHERE u.clerk_id = \(clerkID)", logger: logger)
            .first(User.init(row:))
    }

    /// Records a security event (never a secret).
    public func securityEvent(_ kind: String, userID: UUID?, ip: String?, detail: [String: String] = [:],
                              on connection: PostgresConnection? = nil) async throws {
        let json = String(decoding: try JSONEncoder().encode(detail), as: UTF8.self)
        let query: PostgresQuery = """
            INSERT INTO security_events (user_id, kind, ip, detail) VALUES (\(userID), \(kind), \(ip), \(json)::jsonb)
            """
        if let connection {
            try await connection.query(query, logger: logger)
        } else {
            try await database.query(query)
        }
    }
}

extension UserRepository {
    /// The columns `User.init(row:)` reads; `u` is the users alias. `has_password` needs the credentials join
    /// or an EXISTS, which this list includes.
    static let columns = """
        u.id, u.email, u.status, u.full_name, u.display_name, u.title, u.phone, u.bio, u.timezone, u.locale, u.avatar_url,
        u.email_verified_at, u.last_login_at, u.created_at, u.updated_at,
        EXISTS (SELECT 1 FROM credentials c WHERE c.user_id = u.id) AS has_password
        """
}
