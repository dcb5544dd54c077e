import Foundation
import KisumKernel
import KisumPersistence
import KisumRuntime

/// What an import run did.
public struct RateImportReport: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var days = 0
    public var currencies = 0
    public var rejected: [RateImportRejection] = []

    public var summary: String {
        var lines = [
            "exchange rates: \(inserted) inserted, \(updated) updated, \(unchanged) unchanged (\(days) days, \(currencies) currencies)",
            "rejected: \(rejected.count)",
        ]
        lines += rejected.map { "  \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// Loads an ECB reference-rate file (CSV or XML, see `EcbRatesParser`) into `exchange_rates` as `ecb` rows
/// (base EUR, shared by every company). Everything the file holds goes in one transaction, upserted on
/// `exchange_rates_key`, so running it twice changes nothing and a failure leaves the table as it was. Bad rows
/// are reported by line and skipped. Rates are only ever read from files: nothing here goes to the network.
public struct EcbRatesImporter: Sendable {
    let repository: ExchangeRepository

    public init(database: Database) {
        self.repository = ExchangeRepository(database: database)
    }

    public func run(file path: String) async throws -> RateImportReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RateFileError(path: path, reason: error.localizedDescription)
        }
        do {
            return try await run(data: data)
        } catch var error as RateFileError {
            error.path = path
            throw error
        }
    }

    public func run(data: Data) async throws -> RateImportReport {
        let parsed = try EcbRatesParser.parse(data)
        let counts = try await repository.importEcb(parsed.rates)
        return RateImportReport(inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged,
                                days: Set(parsed.rates.map(\.day)).count, currencies: Set(parsed.rates.map(\.currency)).count,
                                rejected: parsed.rejected)
    }
}

/// The library side of `base import-rates --file <path>`: configuration from the environment like `serve`, a
/// schema that must be fully migrated, then the import.
public enum EcbRatesImportRunner {
    public static func run(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> RateImportReport {
        let loaded = try RuntimeLoader.load(BaseService.self, environment: environment)
        let runtime = try RuntimeLoader.runtime(BaseService.self, loaded: loaded)
        let database = runtime.database
        let migrator = Migrator(database: database, migrations: loaded.migrations, service: BaseService.name)
        let importer = EcbRatesImporter(database: database)
        return try await database.withRunningClient {
            let pending = try await migrator.pending()
            if !pending.isEmpty { throw MigrationError.pending(pending) }
            return try await importer.run(file: file)
        }
    }
}

extension RateImportReport: ImportToolReport {
    public var hasRejections: Bool { !rejected.isEmpty }
}
