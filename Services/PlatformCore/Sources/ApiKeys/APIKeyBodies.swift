import Foundation
import HTTPTypes
import KisumKernel

/// What a key's scopes may be: each a catalog permission name or `<module>.*` for a module of the
/// catalog, held by the caller (nobody hands a machine more than they have themselves).
struct APIKeyScopePolicy {
    static let maxScopes = 100

    let access: EffectiveAccess
    let catalog: PermissionCatalog

    /// Unknown scopes → 422 `unknown_scope` (field `scopes[i]`).
    func validate(_ scopes: [String]) throws {
        var v = Validator()
        for (index, scope) in scopes.enumerated() where catalog.expand(scope: scope).isEmpty {
            v.add("scopes[\(index)]", "unknown_scope", "\(scope) is neither a permission of the catalog nor <module>.* for a module.")
        }
        try v.validate()
    }

    /// Scopes the caller lacks → 403 `permission_not_held`: for a new key every scope, for an edit the
    /// scopes it adds, for a rotation (a fresh working secret) every scope of the key.
    func requireHeld(_ scopes: [String]) throws {
        let notHeld = scopes.filter { !access.holds(scope: $0, in: catalog) }
        guard notHeld.isEmpty else {
            throw APIError(.forbidden, code: "permission_not_held", message: "A key cannot get permissions you do not have yourself.",
                           info: ["permissions": .array(notHeld.map(JSONValue.string))])
        }
    }

    /// Trimmed, duplicates dropped (first occurrence kept).
    static func normalize(_ scopes: [String]) -> [String] {
        var seen = Set<String>()
        return scopes.map { $0.trimmingCharacters(in: .whitespaces) }.filter { seen.insert($0).inserted }
    }

    static func validateShape(_ scopes: [String]?, required: Bool, into v: inout Validator) {
        guard let scopes else {
            if required { v.add("scopes", "required", "Give the key at least one scope.") }
            return
        }
        v.check(!scopes.isEmpty, "scopes", "required", "Give the key at least one scope.")
        v.check(scopes.count <= maxScopes, "scopes", "too_many", "At most \(maxScopes) scopes.")
        for (index, scope) in scopes.enumerated() where scope.trimmingCharacters(in: .whitespaces).isEmpty || scope.unicodeScalars.count > 200 {
            v.add("scopes[\(index)]", "invalid_scope", "A scope is a permission name (at most 200 characters).")
        }
    }
}

/// `POST /api-keys`.
struct CreateAPIKeyBody: ValidatableBody {
    var name: String?
    var description: String?
    var scopes: [String]?
    var expiresAt: Date?
    var isActive: Bool?

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        if let description { v.check(description.unicodeScalars.count <= 2000, "description", "too_long", "At most 2000 characters.") }
        APIKeyScopePolicy.validateShape(scopes, required: true, into: &v)
        if let expiresAt { v.check(expiresAt > Date(), "expires_at", "must_be_future", "The expiry must be in the future.") }
    }
}

/// `PUT /api-keys/{id}`: name, description (null clears), scopes, is_active; absent fields stay.
struct UpdateAPIKeyBody: ValidatableBody {
    var name: String?
    var description: String?
    var clearDescription = false
    var scopes: [String]?
    var isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case name, description, scopes, isActive
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        clearDescription = c.contains(.description) && description == nil
        scopes = try c.decodeIfPresent([String].self, forKey: .scopes)
        isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
    }

    func validate(_ v: inout Validator) {
        v.text(name, "name", required: false, maxLength: 200)
        if let description { v.check(description.unicodeScalars.count <= 2000, "description", "too_long", "At most 2000 characters.") }
        APIKeyScopePolicy.validateShape(scopes, required: false, into: &v)
    }
}
