import Hummingbird
import KisumKernel
import KisumRuntime

public struct BaseSettings: Sendable {
    public init() {}
}

/// The Base service: configuration and routes.
public enum BaseService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "base"
    public static let defaultPort = 3099

    public static func loadSettings(from env: inout EnvironmentReader) -> BaseSettings {
        BaseSettings()
    }

    public static func buildRouter(_ runtime: ServiceRuntime<BaseSettings>) async throws -> Router<Context> {
        runtime.makeRouter(context: Context.self)
    }
}
