import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Reads the global `permissions` and `modules` catalogs (`PermissionCatalog.load`).
struct PermissionCatalogRepository: Sendable {
    let database: Database

    /// Every catalog permission, in display order.
    func permissions() async throws -> [CatalogPermission] {
        try await database.query("""
            SELECT name, module, resource, action, description, owner_only FROM permissions ORDER BY sort_order
            """).collect(CatalogPermission.init(row:))
    }

    /// The module names, in display order.
    func moduleNames() async throws -> [String] {
        try await database.query("SELECT name FROM modules ORDER BY sort_order").collect { try $0.decode(String.self) }
    }
}
