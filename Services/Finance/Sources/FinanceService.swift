import Hummingbird
import KisumKernel
import KisumRuntime

public struct FinanceSettings: Sendable {
    public init() {}
}

/// The Finance service: configuration and routes.
public enum FinanceService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "finance"
    public static let defaultPort = 8082

    public static func loadSettings(from env: inout EnvironmentReader) -> FinanceSettings {
        FinanceSettings()
    }

    public static func buildRouter(_ runtime: ServiceRuntime<FinanceSettings>) async throws -> Router<Context> {
        runtime.makeRouter(context: Context.self)
    }
}
