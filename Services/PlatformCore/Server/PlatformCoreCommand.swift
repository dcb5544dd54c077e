import ArgumentParser
import KisumRuntime
import PlatformCore

@main
struct PlatformCoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform-core",
        abstract: "Kisum Platform Core service.",
        subcommands: [ServeCommand<PlatformCoreService>.self, MigrateCommand<PlatformCoreService>.self],
        defaultSubcommand: ServeCommand<PlatformCoreService>.self
    )
}
