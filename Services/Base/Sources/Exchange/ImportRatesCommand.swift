import ArgumentParser
import KisumRuntime

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
        try await ImportTool.run { try await EcbRatesImportRunner.run(file: file) }
    }
}
