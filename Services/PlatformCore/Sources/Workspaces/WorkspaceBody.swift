import Foundation
import KisumKernel

/// The workspace fields of `POST /workspaces` and `PUT /workspaces/{id}`. For the nullable fields an
/// explicit `null` clears the value and an absent key leaves it, which plain Optionals cannot tell
/// apart — hence the hand-written decoder.
struct WorkspaceBody: Decodable {
    var name: String?
    var slug: String?
    var description: String?
    var logoUrl: String?
    var website: String?
    var timezone: String?
    var currency: String?
    var settings: JSONValue?
    /// Nullable fields sent as `null`.
    var cleared: Set<CodingKeys> = []

    enum CodingKeys: String, CodingKey {
        case name, slug, description, logoUrl, website, timezone, currency, settings
    }

    static let nullable: [CodingKeys] = [.description, .logoUrl, .website, .timezone, .currency]
    static let maxSettingsBytes = 64 * 1024

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        slug = try c.decodeIfPresent(String.self, forKey: .slug)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        logoUrl = try c.decodeIfPresent(String.self, forKey: .logoUrl)
        website = try c.decodeIfPresent(String.self, forKey: .website)
        timezone = try c.decodeIfPresent(String.self, forKey: .timezone)
        currency = try c.decodeIfPresent(String.self, forKey: .currency)?.uppercased()
        settings = try c.decodeIfPresent(JSONValue.self, forKey: .settings)
        for key in Self.nullable where c.contains(key) {
            if try c.decodeNil(forKey: key) { cleared.insert(key) }
        }
    }

    func validate(_ v: inout Validator, creating: Bool) {
        v.text(name, "name", required: creating, maxLength: 200)
        if let slug { v.check(Self.isSlug(slug), "slug", "invalid_slug", "Lower-case letters, digits and inner hyphens, at most 64 characters.") }
        if let description { v.check(description.unicodeScalars.count <= 2000, "description", "too_long", "At most 2000 characters.") }
        Self.checkURL(logoUrl, "logo_url", into: &v)
        Self.checkURL(website, "website", into: &v)
        if let timezone {
            v.check(timezone.count <= 64 && TimeZone(identifier: timezone) != nil, "timezone", "invalid_timezone", "Must be an IANA time zone.")
        }
        if let currency {
            v.check(currency.count == 3 && currency.unicodeScalars.allSatisfy { $0 >= "A" && $0 <= "Z" }, "currency", "invalid_currency",
                    "Must be an ISO 4217 code such as EUR.")
        }
        JSONObjectField.validate(settings, "settings", maxBytes: Self.maxSettingsBytes, into: &v)
    }

    /// The patch; `includeName` is false on creation, where the name was used for the insert.
    func patch(includeName: Bool = true) -> WorkspacePatch {
        var patch = WorkspacePatch()
        if includeName { patch.name = name?.trimmingCharacters(in: .whitespacesAndNewlines) }
        patch.slug = slug
        patch.description = description
        patch.clearDescription = cleared.contains(.description)
        patch.logoUrl = logoUrl
        patch.clearLogoUrl = cleared.contains(.logoUrl)
        patch.website = website
        patch.clearWebsite = cleared.contains(.website)
        patch.timezone = timezone
        patch.clearTimezone = cleared.contains(.timezone)
        patch.currency = currency
        patch.clearCurrency = cleared.contains(.currency)
        patch.settings = JSONObjectField.text(settings)
        return patch
    }

    /// The `workspaces.slug` rule: `^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`.
    static func isSlug(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (1...64).contains(scalars.count), scalars.first != "-", scalars.last != "-" else { return false }
        return scalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }

    static func checkURL(_ value: String?, _ field: String, into v: inout Validator) {
        guard let value else { return }
        let url = URL(string: value)
        v.check(value.count <= 2048 && ["http", "https"].contains(url?.scheme?.lowercased() ?? "") && url?.host != nil,
                field, "invalid_url", "Must be an http(s) URL.")
    }
}
