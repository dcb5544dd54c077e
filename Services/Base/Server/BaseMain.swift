import ArgumentParser
import KisumRuntime
import Base

/// The service alone (`.build/debug/base` on a developer's machine); the image runs the same command through `kisum`.
@main
enum BaseMain {
    static func main() async {
        await ServiceCommand<BaseService>.main()
    }
}
