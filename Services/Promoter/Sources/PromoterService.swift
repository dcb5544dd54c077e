import Hummingbird
import KisumKernel
import KisumRuntime

public struct PromoterSettings: Sendable {
    public init() {}
}

/// The Promoter service: configuration and routes.
public enum PromoterService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "promoter"
    public static let defaultPort = 8083

    public static func loadSettings(from env: inout EnvironmentReader) -> PromoterSettings {
        PromoterSettings()
    }

    public static func buildRouter(_ runtime: ServiceRuntime<PromoterSettings>) async throws -> Router<Context> {
        runtime.makeRouter(context: Context.self)
    }
}
