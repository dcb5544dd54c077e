import ArgumentParser
import KisumRuntime

/// The service's command line: `serve` (the default) and `migrate`, and its one-off tools. The executable of its own
/// (`Services/Promoter/Server`) and the all-roles `kisum` executable (`Services/Kisum`) both run it.
public struct PromoterCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "promoter",
        abstract: "Kisum Promoter service.",
        subcommands: [ServeCommand<PromoterService>.self, MigrateCommand<PromoterService>.self],
        defaultSubcommand: ServeCommand<PromoterService>.self
    )

    public init() {}
}
