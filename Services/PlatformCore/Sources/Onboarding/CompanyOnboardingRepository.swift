import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// `company_onboarding`, `company_goals` and the workspace columns company onboarding writes. Every statement names
/// the workspace: the caller's, from the tenant scope.
struct CompanyOnboardingRepository: Sendable {
    let database: Database
    var logger: Logger { database.logger }

    /// The onboarding row joined to its workspace (nil fields = not started).
    struct Row: Sendable {
        var started: Bool
        var status: String
        var completed: [String]
        var skipped: [String]
        var name: String
        var description, website: String?
        var industry, companySize, targetAudience, valueProposition, productsServices, brandVoice, headquarters: String?
        var competitors: [String]
        var startedAt, completedAt: Date?
    }

    static let select = """
        SELECT w.name, w.description, w.website, o.workspace_id IS NOT NULL AS started, COALESCE(o.status, 'not_started') AS status,
               COALESCE(o.completed_steps, '{}') AS completed_steps, COALESCE(o.skipped_steps, '{}') AS skipped_steps,
               o.industry, o.company_size, o.target_audience, o.value_proposition, o.products_services, o.brand_voice,
               o.headquarters, COALESCE(o.competitors, '{}') AS competitors, o.started_at, o.completed_at
        FROM workspaces w LEFT JOIN company_onboarding o ON o.workspace_id = w.id
        """

    static func row(_ row: PostgresRow) throws -> Row {
        let c = Columns(row)
        return Row(started: try c("started"), status: try c("status"), completed: try c("completed_steps"), skipped: try c("skipped_steps"),
                   name: try c("name"), description: try c("description"), website: try c("website"), industry: try c("industry"),
                   companySize: try c("company_size"), targetAudience: try c("target_audience"),
                   valueProposition: try c("value_proposition"), productsServices: try c("products_services"),
                   brandVoice: try c("brand_voice"), headquarters: try c("headquarters"), competitors: try c("competitors"),
                   startedAt: try c("started_at"), completedAt: try c("completed_at"))
    }

    func find(workspaceID: UUID) async throws -> Row? {
        try await database.query("\(unescaped: Self.select) WHERE w.id = \(workspaceID)").first(Self.row)
    }

    /// The row read under a lock on the workspace row, so two transitions of one workspace run one after the other
    /// (the onboarding row may not exist yet, so its own lock would not be enough).
    func locked(workspaceID: UUID, on connection: PostgresConnection) async throws -> Row? {
        try await connection.query("\(unescaped: Self.select) WHERE w.id = \(workspaceID) FOR UPDATE OF w", logger: logger).first(Self.row)
    }

    struct Fields: Sendable {
        var name, description, website: String?
        var industry, companySize, targetAudience, valueProposition, productsServices, brandVoice, headquarters: String?
        var competitors: [String]?
    }

    /// The workspace's own profile columns (name, description, website): absent = unchanged.
    func updateWorkspace(workspaceID: UUID, _ f: Fields, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE workspaces SET name = COALESCE(\(f.name), name), description = COALESCE(\(f.description), description),
                website = COALESCE(\(f.website), website), updated_at = now()
            WHERE id = \(workspaceID)
            """, logger: logger)
    }

    /// Creates the onboarding row (started) or patches its context columns; `step` is marked completed.
    func upsert(workspaceID: UUID, userID: UUID, _ f: Fields, completing step: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO company_onboarding (workspace_id, started_by, completed_steps, industry, company_size, target_audience,
                value_proposition, products_services, brand_voice, headquarters, competitors)
            VALUES (\(workspaceID), \(userID), ARRAY[\(step)]::text[], \(f.industry), \(f.companySize), \(f.targetAudience),
                \(f.valueProposition), \(f.productsServices), \(f.brandVoice), \(f.headquarters), COALESCE(\(f.competitors)::text[], '{}'))
            ON CONFLICT (workspace_id) DO UPDATE SET
                industry = COALESCE(EXCLUDED.industry, company_onboarding.industry),
                company_size = COALESCE(EXCLUDED.company_size, company_onboarding.company_size),
                target_audience = COALESCE(EXCLUDED.target_audience, company_onboarding.target_audience),
                value_proposition = COALESCE(EXCLUDED.value_proposition, company_onboarding.value_proposition),
                products_services = COALESCE(EXCLUDED.products_services, company_onboarding.products_services),
                brand_voice = COALESCE(EXCLUDED.brand_voice, company_onboarding.brand_voice),
                headquarters = COALESCE(EXCLUDED.headquarters, company_onboarding.headquarters),
                competitors = COALESCE(\(f.competitors)::text[], company_onboarding.competitors),
                completed_steps = CASE WHEN company_onboarding.status = 'completed' OR \(step) = ANY(company_onboarding.completed_steps)
                    THEN company_onboarding.completed_steps ELSE array_append(company_onboarding.completed_steps, \(step)) END,
                skipped_steps = CASE WHEN company_onboarding.status = 'completed' THEN company_onboarding.skipped_steps
                    ELSE array_remove(company_onboarding.skipped_steps, \(step)) END,
                updated_at = now()
            """, logger: logger)
    }

    /// Marks `step` completed on an open onboarding (a finished scrape); nothing when not started or completed.
    func completeStep(workspaceID: UUID, step: String, on connection: PostgresConnection? = nil) async throws {
        let query: PostgresQuery = """
            UPDATE company_onboarding SET completed_steps = array_append(completed_steps, \(step)),
                skipped_steps = array_remove(skipped_steps, \(step)), updated_at = now()
            WHERE workspace_id = \(workspaceID) AND status = 'in_progress' AND NOT (\(step) = ANY(completed_steps))
            """
        if let connection { try await connection.query(query, logger: logger) } else { try await database.query(query) }
    }

    func skip(workspaceID: UUID, step: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE company_onboarding SET skipped_steps = CASE WHEN \(step) = ANY(skipped_steps) THEN skipped_steps
                ELSE array_append(skipped_steps, \(step)) END, updated_at = now()
            WHERE workspace_id = \(workspaceID)
            """, logger: logger)
    }

    /// Completed: the row and the workspace flag other readers use (workspace health).
    func complete(workspaceID: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE company_onboarding SET status = 'completed', completed_at = now(), completed_by = \(userID), updated_at = now()
            WHERE workspace_id = \(workspaceID)
            """, logger: logger)
        try await connection.query("""
            UPDATE workspaces SET onboarding_completed_at = now(), updated_at = now() WHERE id = \(workspaceID)
            """, logger: logger)
    }

    struct Goal: Sendable {
        var id: UUID
        var title: String
        var description: String?
        var category: String?
        var createdAt: Date
    }

    func goalCount(workspaceID: UUID, on connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT count(*)::int FROM company_goals WHERE workspace_id = \(workspaceID)", logger: logger)
            .first { try $0.decode(Int.self) } ?? 0
    }

    /// All goals in one INSERT: `goals` is a JSON array of `{title, description, category}` (kept in order).
    func insertGoals(workspaceID: UUID, userID: UUID, goals: String, on connection: PostgresConnection) async throws -> [Goal] {
        try await connection.query("""
            INSERT INTO company_goals (workspace_id, title, description, category, created_by)
            SELECT \(workspaceID), t.e->>'title', t.e->>'description', t.e->>'category', \(userID)
            FROM jsonb_array_elements(\(goals)::jsonb) WITH ORDINALITY AS t(e, n)
            ORDER BY t.n
            RETURNING id, title, description, category, created_at
            """, logger: logger).collect { row in
            let (id, title, description, category, createdAt) = try row.decode((UUID, String, String?, String?, Date).self)
            return Goal(id: id, title: title, description: description, category: category, createdAt: createdAt)
        }
    }

    /// Everything the context health score reads, in one statement.
    func healthFacts(workspaceID: UUID) async throws -> OnboardingHealth.CompanyFacts? {
        try await database.query("""
            SELECT w.description, w.website, w.logo_url, w.timezone, w.currency, o.industry, o.company_size, o.target_audience,
                   o.value_proposition, o.products_services,
                   (SELECT count(*)::int FROM memberships m WHERE m.workspace_id = w.id AND m.status = 'active') AS members,
                   (SELECT count(*)::int FROM company_goals g WHERE g.workspace_id = w.id) AS goals,
                   (SELECT count(*)::int FROM module_settings s WHERE s.workspace_id = w.id AND s.enabled) AS modules
            FROM workspaces w LEFT JOIN company_onboarding o ON o.workspace_id = w.id
            WHERE w.id = \(workspaceID)
            """).first { row in
            let c = Columns(row)
            return OnboardingHealth.CompanyFacts(
                description: try c("description"), website: try c("website"), logoURL: try c("logo_url"), timezone: try c("timezone"),
                currency: try c("currency"), industry: try c("industry"), companySize: try c("company_size"),
                targetAudience: try c("target_audience"), valueProposition: try c("value_proposition"),
                productsServices: try c("products_services"), activeMembers: try c("members"), goals: try c("goals"),
                enabledModules: try c("modules"))
        }
    }
}
