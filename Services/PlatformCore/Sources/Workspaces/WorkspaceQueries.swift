import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The editable workspace fields. Nullable columns take an explicit clear flag (`null` in the body
/// clears, an absent key leaves the value).
struct WorkspacePatch: Sendable {
    var name: String?
    var slug: String?
    var description: String?
    var clearDescription = false
    var logoUrl: String?
    var clearLogoUrl = false
    var website: String?
    var clearWebsite = false
    var timezone: String?
    var clearTimezone = false
    var currency: String?
    var clearCurrency = false
    /// Replaces the whole settings object (JSON text of an object).
    var settings: String?

    /// The fields this patch touches, for the activity feed.
    var changedFields: [String] {
        var fields: [String] = []
        if name != nil { fields.append("name") }
        if slug != nil { fields.append("slug") }
        if description != nil || clearDescription { fields.append("description") }
        if logoUrl != nil || clearLogoUrl { fields.append("logo_url") }
        if website != nil || clearWebsite { fields.append("website") }
        if timezone != nil || clearTimezone { fields.append("timezone") }
        if currency != nil || clearCurrency { fields.append("currency") }
        if settings != nil { fields.append("settings") }
        return fields
    }
}

/// Filters of `GET /api/v1/workspaces`.
struct WorkspaceListFilter: Sendable {
    var search: String?
    var membershipStatus: String?
    var skip: Int
    var limit: Int
}
