import ArgumentParser
import KisumRuntime

/// The service's command line: `serve` (the default) and `migrate`, and its one-off tools. The executable of its own
/// (`Services/PlatformCore/Server`) and the all-roles `kisum` executable (`Services/Kisum`) both run it.
public struct PlatformCoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "platform-core",
        abstract: "Kisum Platform Core service.",
        subcommands: [ServeCommand<PlatformCoreService>.self, MigrateCommand<PlatformCoreService>.self],
        defaultSubcommand: ServeCommand<PlatformCoreService>.self
    )

    public init() {}
}
