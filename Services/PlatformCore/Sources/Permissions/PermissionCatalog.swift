import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// One entry of the permission catalog (0002_catalog.sql and later migrations).
public struct CatalogPermission: ResponseEncodable, Sendable, Equatable {
    public var name: String
    /// `platform` for Platform Core's own actions, otherwise the module that enforces it.
    public var module: String
    public var resource: String
    public var action: String
    public var description: String
    public var ownerOnly: Bool
}

/// The permission and module catalogs (global, small: loaded whole where a request validates names).
public struct PermissionCatalog: Sendable {
    public let permissions: [CatalogPermission]
    /// Names of the `modules` table (basic, venue, finance, promoter), in display order.
    public let modules: [String]

    private var byName: [String: CatalogPermission] {
        Dictionary(uniqueKeysWithValues: permissions.map { ($0.name, $0) })
    }

    public func permission(_ name: String) -> CatalogPermission? {
        permissions.first { $0.name == name }
    }

    /// Names in `names` that the catalog does not know, in the order given.
    public func unknown(_ names: [String]) -> [String] {
        let known = byName
        return names.filter { known[$0] == nil }
    }

    /// Every catalog permission a scope stands for: a permission name itself, or `<module>.*` for each
    /// permission of that module. Empty for scopes that name nothing.
    public func expand(scope: String) -> [String] {
        if scope.hasSuffix(".*") {
            let module = String(scope.dropLast(2))
            guard modules.contains(module) else { return [] }
            return permissions.filter { $0.module == module }.map(\.name)
        }
        return permission(scope) == nil ? [] : [scope]
    }

    /// Loads both catalogs (two small queries).
    public static func load(_ database: Database) async throws -> PermissionCatalog {
        let repository = PermissionCatalogRepository(database: database)
        let permissions = try await repository.permissions()
        let modules = try await repository.moduleNames()
        return PermissionCatalog(permissions: permissions, modules: modules)
    }
}

extension CatalogPermission {
    init(row: PostgresRow) throws {
        let (name, module, resource, action, description, ownerOnly) = try row.decode((String, String, String, String, String, Bool).self)
        self.init(name: name, module: module, resource: resource, action: action, description: description, ownerOnly: ownerOnly)
    }
}

extension EffectiveAccess {
    /// Whether the caller holds everything `scope` stands for (a `<module>.*` scope needs every
    /// permission of the module). Used so nobody hands out more than they have.
    func holds(scope: String, in catalog: PermissionCatalog) -> Bool {
        if permits(scope) { return true }
        let expanded = catalog.expand(scope: scope)
        return !expanded.isEmpty && expanded.allSatisfy(permits)
    }
}
