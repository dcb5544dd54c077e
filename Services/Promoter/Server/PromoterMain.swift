import ArgumentParser
import KisumRuntime
import Promoter

/// The service alone (`.build/debug/promoter` on a developer's machine); the image runs the same command through `kisum`.
@main
enum PromoterMain {
    static func main() async {
        await ServiceCommand<PromoterService>.main()
    }
}
