import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence

/// Tiers, features, limits and usage. Usage is counted from Platform Core's own tables at request time
/// (members, invitations, API keys, teams, workspaces), never from a counter that could drift.
struct BillingPlanHandlers {
    let core: BillingCore

    /// `GET /billing/tiers` (public, the pricing page): every tier with prices, features and limits.
    @Sendable func tiers(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<BillingTier> {
        let tiers = try await core.catalog.tiers()
        return PlainList(items: tiers, total: tiers.count)
    }

    /// `GET /billing/features`: every feature with its status on the workspace's effective tier.
    @Sendable func features(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<FeatureStatus> {
        let scope = try context.tenant(permission: Permission.billingRead)
        let (tier, tiers) = try await effectiveTier(scope.companyID)
        let features = try await core.catalog.features().map { feature in
            FeatureStatus(key: feature.key, name: feature.name, description: feature.description,
                          enabled: tier?.features.contains(feature.key) ?? false,
                          availableFrom: tiers.first { $0.features.contains(feature.key) }?.key)
        }
        return PlainList(items: features, total: features.count)
    }

    /// `GET /billing/limits`: every limit type with usage, remaining and percentage.
    @Sendable func limits(_ request: Request, context: PlatformRequestContext) async throws -> PlainList<LimitUsage> {
        let scope = try context.tenant(permission: Permission.billingRead)
        let (tier, _) = try await effectiveTier(scope.companyID)
        let usage = try await core.catalog.usage(workspaceID: scope.companyID)
        let limits = try await core.catalog.limitTypes().map { LimitUsage(type: $0, tier: tier, usage: usage[$0.key] ?? 0) }
        return PlainList(items: limits, total: limits.count)
    }

    /// `GET /billing/usage/{limit_type}`: one limit type ("is this action allowed?"); unknown type → 404.
    @Sendable func usage(_ request: Request, context: PlatformRequestContext) async throws -> LimitUsage {
        let scope = try context.tenant(permission: Permission.billingRead)
        let type = try await limitType(context)
        let (tier, _) = try await effectiveTier(scope.companyID)
        let usage = try await core.catalog.usage(workspaceID: scope.companyID)
        return LimitUsage(type: type, tier: tier, usage: usage[type.key] ?? 0)
    }

    struct UsageEvents: ResponseEncodable, Sendable {
        var limitType: String
        var items: [BillingCatalogRepository.UsageEvent]
        var total: Int
        var limit: Int
        var offset: Int
    }

    /// `GET /billing/usage/{limit_type}/events?limit=&offset=`: the counted items with who created them.
    @Sendable func events(_ request: Request, context: PlatformRequestContext) async throws -> UsageEvents {
        let scope = try context.tenant(permission: Permission.billingRead)
        var query = QueryReader(request)
        let limit = query.int("limit", range: 1...200) ?? 50
        let offset = query.int("offset", range: 0...100_000) ?? 0
        try query.validate()
        let type = try await limitType(context)
        let page = try await core.catalog.events(workspaceID: scope.companyID, limitType: type.key, limit: limit, offset: offset)
        return UsageEvents(limitType: type.key, items: page.items, total: page.total, limit: limit, offset: offset)
    }

    private func limitType(_ context: PlatformRequestContext) async throws -> BillingFeatureDefinition {
        let key = context.parameters.get("limit_type") ?? ""
        guard let type = try await core.catalog.limitTypes().first(where: { $0.key == key }) else { throw APIError.notFound("limit type") }
        return type
    }

    private func effectiveTier(_ workspaceID: UUID) async throws -> (BillingTier?, [BillingTier]) {
        let subscription = try await core.database.transaction { try await core.subscriptions.current(workspaceID: workspaceID, on: $0) }
        let tiers = try await core.catalog.tiers()
        let key = BillingState(subscription).effectiveTier
        return (tiers.first { $0.key == key }, tiers)
    }
}
