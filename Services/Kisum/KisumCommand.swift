import ArgumentParser
import Base
import Finance
import Foundation
import KisumRuntime
import PlatformCore
import Promoter
import Venue

/// All five services in one executable, for the container image: a static Swift executable carries its own runtime,
/// Foundation and ICU data (about 100 MB), so five of them made an image three times the size of one.
///
/// `kisum <role> …` runs a role, and so does the executable under a role's name (the image links `platform-core`,
/// `base`, `venue`, `finance` and `promoter` to it), so `venue serve` is the same command in the image and on a
/// developer's machine, where each service also has an executable of its own.
@main
enum KisumMain {
    static let roles: [any AsyncParsableCommand.Type] = [
        ServiceCommand<PlatformCoreService>.self, ServiceCommand<BaseService>.self, ServiceCommand<VenueService>.self,
        ServiceCommand<FinanceService>.self, ServiceCommand<PromoterService>.self,
    ]

    static func main() async {
        let invokedAs = URL(fileURLWithPath: CommandLine.arguments.first ?? "kisum").lastPathComponent
        if let role = roles.first(where: { $0.configuration.commandName == invokedAs }) {
            await role.main()
        } else {
            await KisumCommand.main()
        }
    }
}

struct KisumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kisum",
        abstract: "Kisum: every service in one executable. Run a role: kisum venue serve, kisum base migrate …",
        subcommands: KisumMain.roles
    )
}
