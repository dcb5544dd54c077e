import ArgumentParser
import KisumRuntime
import Venue

/// The service alone (`.build/debug/venue` on a developer's machine); the image runs the same command through `kisum`.
@main
enum VenueMain {
    static func main() async {
        await ServiceCommand<VenueService>.main()
    }
}
