import ArgumentParser
import KisumRuntime
import Finance

/// The service alone (`.build/debug/finance` on a developer's machine); the image runs the same command through `kisum`.
@main
enum FinanceMain {
    static func main() async {
        await ServiceCommand<FinanceService>.main()
    }
}
