import ArgumentParser
import KisumRuntime

/// `venue import-sleeping-venues --file <export.jsonl>`: loads a legacy export as sleeping, claimable
/// venues of the Kisum holding company. Idempotent; malformed records are reported by line and skipped.
/// Exit status: 0 all records imported, 3 some records rejected (the rest imported), 78 bad configuration.
struct ImportSleepingVenuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-sleeping-venues",
        abstract: "Import legacy venues_type and venues documents (JSON Lines) as sleeping venues.")

    @Option(help: "Path of the legacy export: JSON Lines of {\"collection\": \"venues_type\"|\"venues\", \"document\": {…}}.")
    var file: String

    func run() async throws {
        try await ImportTool.run { try await SleepingVenueImportRunner.run(file: file) }
    }
}
