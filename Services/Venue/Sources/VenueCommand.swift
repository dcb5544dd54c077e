import ArgumentParser
import Foundation
import KisumKernel
import KisumRuntime

/// The service's command line: `serve` (the default) and `migrate`, and its one-off tools. The executable of its own
/// (`Services/Venue/Server`) and the all-roles `kisum` executable (`Services/Kisum`) both run it.
public struct VenueCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "venue",
        abstract: "Kisum Venue service.",
        subcommands: [ServeCommand<VenueService>.self, MigrateCommand<VenueService>.self, ImportSleepingVenuesCommand.self],
        defaultSubcommand: ServeCommand<VenueService>.self
    )

    public init() {}
}

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
