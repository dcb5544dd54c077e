import ArgumentParser
import KisumRuntime
import Promoter

@main
struct PromoterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promoter",
        abstract: "Kisum Promoter service.",
        subcommands: [ServeCommand<PromoterService>.self, MigrateCommand<PromoterService>.self],
        defaultSubcommand: ServeCommand<PromoterService>.self
    )
}
