import ArgumentParser
import KisumRuntime

/// The service's command line: `serve` (the default) and `migrate`, and its one-off tools. The executable of its own
/// (`Services/Finance/Server`) and the all-roles `kisum` executable (`Services/Kisum`) both run it.
public struct FinanceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "finance",
        abstract: "Kisum Finance service.",
        subcommands: [ServeCommand<FinanceService>.self, MigrateCommand<FinanceService>.self],
        defaultSubcommand: ServeCommand<FinanceService>.self
    )

    public init() {}
}
