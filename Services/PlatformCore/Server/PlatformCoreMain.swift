import ArgumentParser
import KisumRuntime
import PlatformCore

/// The service alone (`.build/debug/platform-core` on a developer's machine); the image runs the same command through `kisum`.
@main
enum PlatformCoreMain {
    static func main() async {
        await ServiceCommand<PlatformCoreService>.main()
    }
}
