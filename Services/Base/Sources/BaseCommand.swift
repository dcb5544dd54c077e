import ArgumentParser
import Foundation
import KisumKernel
import KisumRuntime

/// The service's command line: `serve` (the default) and `migrate`, and its one-off tools. The executable of its own
/// (`Services/Base/Server`) and the all-roles `kisum` executable (`Services/Kisum`) both run it.
public struct BaseCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "base",
        abstract: "Kisum Base service.",
        subcommands: [ServeCommand<BaseService>.self, MigrateCommand<BaseService>.self, ImportRatesCommand.self],
        defaultSubcommand: ServeCommand<BaseService>.self
    )

    public init() {}
}

/// `base import-rates --file <eurofxref.csv|.xml>`: loads ECB reference rates into exchange_rates (upsert, one
/// transaction). Exit status: 0 every row imported, 3 some rows rejected (the rest imported), 1 the file could
/// not be read or parsed (nothing imported), 78 bad configuration.
struct ImportRatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-rates",
        abstract: "Import ECB euro reference rates (eurofxref CSV, daily or historical, or XML) into exchange_rates.")

    @Option(help: "Path of the ECB file: eurofxref.csv, eurofxref-hist.csv, eurofxref-daily.xml or eurofxref-hist.xml.")
    var file: String

    func run() async throws {
        try await ImportTool.run(isUnreadable: { $0 is RateFileError }) { try await EcbRatesImportRunner.run(file: file) }
    }
}
