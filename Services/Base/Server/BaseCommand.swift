import ArgumentParser
import KisumRuntime
import Base

@main
struct BaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base",
        abstract: "Kisum Base service.",
        subcommands: [ServeCommand<BaseService>.self, MigrateCommand<BaseService>.self],
        defaultSubcommand: ServeCommand<BaseService>.self
    )
}
