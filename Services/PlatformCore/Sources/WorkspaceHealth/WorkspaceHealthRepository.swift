import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The stored facts the health check reports for one workspace and the caller, in one statement.
struct WorkspaceHealthRepository: Sendable {
    let database: Database

    struct Snapshot: Sendable {
        var brand: Bool
        var companyOnboardingComplete: Bool
        var personalOnboardingComplete: Bool
        var subscriptionProvider: String?
        var subscriptionStatus: String?
        var subscriptionPlan: String?
        var trialEndsAt: Date?
        /// Catalog modules: the workspace's switch, nil when it has no row.
        var modules: [(name: String, enabled: Bool?)]
    }

    func snapshot(workspaceID: UUID, userID: UUID) async throws -> Snapshot? {
        let found = try await database.query("""
            SELECT (w.logo_url IS NOT NULL) AS brand, (w.onboarding_completed_at IS NOT NULL) AS company_done,
                   (m.onboarding_completed_at IS NOT NULL) AS personal_done,
                   s.provider, s.status, s.plan, s.trial_ends_at
            FROM workspaces w
            LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = \(userID)
            LEFT JOIN LATERAL (SELECT provider, status, plan, trial_ends_at FROM billing_subscriptions b
                               WHERE b.workspace_id = w.id ORDER BY b.created_at DESC LIMIT 1) s ON true
            WHERE w.id = \(workspaceID)
            """).first { row -> Snapshot in
            let c = Columns(row)
            return Snapshot(brand: try c("brand"), companyOnboardingComplete: try c("company_done"),
                            personalOnboardingComplete: try c("personal_done"), subscriptionProvider: try c("provider"),
                            subscriptionStatus: try c("status"), subscriptionPlan: try c("plan"), trialEndsAt: try c("trial_ends_at"),
                            modules: [])
        }
        guard var snapshot = found else { return nil }
        snapshot.modules = try await database.query("""
            SELECT mo.name, ms.enabled FROM modules mo
            LEFT JOIN module_settings ms ON ms.workspace_id = \(workspaceID) AND ms.module = mo.name
            ORDER BY mo.sort_order, mo.name
            """).collect { row in
            let (name, enabled) = try row.decode((String, Bool?).self)
            return (name: name, enabled: enabled)
        }
        return snapshot
    }
}
