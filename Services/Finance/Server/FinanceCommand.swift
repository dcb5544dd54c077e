import ArgumentParser
import KisumRuntime
import Finance

@main
struct FinanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finance",
        abstract: "Kisum Finance service.",
        subcommands: [ServeCommand<FinanceService>.self, MigrateCommand<FinanceService>.self],
        defaultSubcommand: ServeCommand<FinanceService>.self
    )
}
