import ArgumentParser
import KisumRuntime
import Venue

@main
struct VenueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "venue",
        abstract: "Kisum Venue service.",
        subcommands: [ServeCommand<VenueService>.self, MigrateCommand<VenueService>.self],
        defaultSubcommand: ServeCommand<VenueService>.self
    )
}
