import Foundation
import KisumKernel
import KisumPersistence
import KisumRuntime

/// The library side of `venue import-sleeping-venues --file <path>`: configuration from the
/// environment like `serve`, a schema that must be fully migrated, then the import.
public enum SleepingVenueImportRunner {
    public static func run(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ImportReport {
        let loaded = try RuntimeLoader.load(VenueService.self, environment: environment)
        let runtime = try RuntimeLoader.runtime(VenueService.self, loaded: loaded)
        let database = runtime.database
        let migrator = Migrator(database: database, migrations: loaded.migrations, service: VenueService.name)
        let importer = SleepingVenueImporter(database: database, holdingCompanyID: loaded.settings.holdingCompanyID)
        return try await database.withRunningClient {
            let pending = try await migrator.pending()
            if !pending.isEmpty { throw MigrationError.pending(pending) }
            return try await importer.run(file: file)
        }
    }
}
