import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// `user_onboarding` and the profile columns user onboarding writes (the membership's title and department). Every
/// statement names the workspace and the caller: a member sees and changes only their own onboarding.
struct UserOnboardingRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    struct Row: Sendable {
        var started: Bool
        var status: String
        var completed: [String]
        var skipped: [String]
        var email: String
        var fullName, displayName, phone, bio, timezone, locale, avatarURL, accountTitle: String?
        var role: String
        var memberTitle, department: String?
        var seniority, responsibilities: String?
        var yearsExperience: Int?
        var notificationFrequency, theme: String?
        var communicationChannels: [String]
        var interests: [String]
        var startedAt, completedAt: Date?

        var healthFacts: OnboardingHealth.UserFacts {
            .init(fullName: fullName, displayName: displayName, phone: phone, bio: bio, timezone: timezone, locale: locale,
                  avatarURL: avatarURL, title: OnboardingHealth.present(memberTitle) ? memberTitle : accountTitle, department: department)
        }
    }

    static let select = """
        SELECT o.workspace_id IS NOT NULL AS started, COALESCE(o.status, 'not_started') AS status,
               COALESCE(o.completed_steps, '{}') AS completed_steps, COALESCE(o.skipped_steps, '{}') AS skipped_steps,
               u.email, u.full_name, u.display_name, u.phone, u.bio, u.timezone, u.locale, u.avatar_url, u.title AS account_title,
               m.role, m.title AS member_title, m.department, o.seniority, o.responsibilities, o.years_experience,
               o.notification_frequency, o.theme, COALESCE(o.communication_channels, '{}') AS communication_channels,
               COALESCE(o.interests, '{}') AS interests, o.started_at, o.completed_at
        FROM memberships m JOIN users u ON u.id = m.user_id
        LEFT JOIN user_onboarding o ON o.workspace_id = m.workspace_id AND o.user_id = m.user_id
        """

    static func row(_ row: PostgresRow) throws -> Row {
        let c = Columns(row)
        return Row(started: try c("started"), status: try c("status"), completed: try c("completed_steps"), skipped: try c("skipped_steps"),
                   email: try c("email"), fullName: try c("full_name"), displayName: try c("display_name"), phone: try c("phone"),
                   bio: try c("bio"), timezone: try c("timezone"), locale: try c("locale"), avatarURL: try c("avatar_url"),
                   accountTitle: try c("account_title"), role: try c("role"), memberTitle: try c("member_title"),
                   department: try c("department"), seniority: try c("seniority"), responsibilities: try c("responsibilities"),
                   yearsExperience: try c("years_experience"), notificationFrequency: try c("notification_frequency"),
                   theme: try c("theme"), communicationChannels: try c("communication_channels"), interests: try c("interests"),
                   startedAt: try c("started_at"), completedAt: try c("completed_at"))
    }

    func find(workspaceID: UUID, userID: UUID) async throws -> Row? {
        try await database.query("\(unescaped: Self.select) WHERE m.workspace_id = \(workspaceID) AND m.user_id = \(userID)").first(Self.row)
    }

    /// The caller's row under a lock on their membership, so two tabs' transitions run one after the other.
    func locked(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws -> Row? {
        try await connection.query("""
            \(unescaped: Self.select) WHERE m.workspace_id = \(workspaceID) AND m.user_id = \(userID) FOR UPDATE OF m
            """, logger: logger).first(Self.row)
    }

    /// Starts onboarding on the first write and marks `step` completed (and no longer skipped).
    func completeStep(workspaceID: UUID, userID: UUID, step: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO user_onboarding (workspace_id, user_id, completed_steps) VALUES (\(workspaceID), \(userID), ARRAY[\(step)]::text[])
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET
                completed_steps = CASE WHEN \(step) = ANY(user_onboarding.completed_steps) THEN user_onboarding.completed_steps
                    ELSE array_append(user_onboarding.completed_steps, \(step)) END,
                skipped_steps = array_remove(user_onboarding.skipped_steps, \(step)), updated_at = now()
            """, logger: logger)
    }

    func skip(workspaceID: UUID, userID: UUID, step: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO user_onboarding (workspace_id, user_id, skipped_steps) VALUES (\(workspaceID), \(userID), ARRAY[\(step)]::text[])
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET
                skipped_steps = CASE WHEN \(step) = ANY(user_onboarding.skipped_steps) THEN user_onboarding.skipped_steps
                    ELSE array_append(user_onboarding.skipped_steps, \(step)) END, updated_at = now()
            """, logger: logger)
    }

    struct RoleFields: Sendable {
        var title, department, seniority, responsibilities: String?
        var yearsExperience: Int?
    }

    /// Step 2: the membership's title/department (the workspace profile) and the role answers; absent = unchanged.
    func updateRole(workspaceID: UUID, userID: UUID, _ f: RoleFields, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE memberships SET title = COALESCE(\(f.title), title), department = COALESCE(\(f.department), department), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """, logger: logger)
        try await connection.query("""
            UPDATE user_onboarding SET seniority = COALESCE(\(f.seniority), seniority),
                responsibilities = COALESCE(\(f.responsibilities), responsibilities),
                years_experience = COALESCE(\(f.yearsExperience), years_experience), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """, logger: logger)
    }

    struct PreferenceFields: Sendable {
        var notificationFrequency, theme: String?
        var communicationChannels, interests: [String]?
    }

    func updatePreferences(workspaceID: UUID, userID: UUID, _ f: PreferenceFields, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE user_onboarding SET notification_frequency = COALESCE(\(f.notificationFrequency), notification_frequency),
                theme = COALESCE(\(f.theme), theme),
                communication_channels = COALESCE(\(f.communicationChannels)::text[], communication_channels),
                interests = COALESCE(\(f.interests)::text[], interests), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """, logger: logger)
    }

    /// Completed: the row and the membership flag other readers use (`GET /members/me`, workspace health).
    func complete(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE user_onboarding SET status = 'completed', completed_at = now(), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """, logger: logger)
        try await connection.query("""
            UPDATE memberships SET onboarding_completed_at = now(), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND user_id = \(userID)
            """, logger: logger)
    }

    struct Prefill: Sendable {
        var workspaceName: String
        var workspaceTimezone, industry: String?
        var invitedRole, invitedByName: String?
        var invitedAt: Date?
    }

    /// What else prefill shows: the workspace, its onboarding industry, and the invitation that brought the caller in.
    func prefill(workspaceID: UUID, userID: UUID) async throws -> Prefill? {
        try await database.query("""
            SELECT w.name, w.timezone, o.industry, i.role AS invited_role, i.created_at AS invited_at,
                   COALESCE(NULLIF(inviter.full_name, ''), inviter.email) AS invited_by_name
            FROM workspaces w
            JOIN memberships m ON m.workspace_id = w.id AND m.user_id = \(userID)
            LEFT JOIN company_onboarding o ON o.workspace_id = w.id
            LEFT JOIN LATERAL (
                SELECT role, created_at, invited_by FROM invitations
                WHERE workspace_id = w.id AND membership_id = m.id AND status IN ('accepted', 'pending')
                ORDER BY created_at DESC LIMIT 1) i ON true
            LEFT JOIN users inviter ON inviter.id = i.invited_by
            WHERE w.id = \(workspaceID)
            """).first { row in
            let c = Columns(row)
            return Prefill(workspaceName: try c("name"), workspaceTimezone: try c("timezone"), industry: try c("industry"),
                           invitedRole: try c("invited_role"), invitedByName: try c("invited_by_name"), invitedAt: try c("invited_at"))
        }
    }
}
