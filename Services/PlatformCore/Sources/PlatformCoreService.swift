import Foundation
import Hummingbird
import KisumKernel
import KisumRuntime
import Logging

public struct PlatformCoreSettings: Sendable {
    public init() {}
}

/// Platform Core's wire style is snake_case (its spec); keys are spelled out with CodingKeys.
public struct PlatformRequestContext: KisumRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var kisum: KisumContextState

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.kisum = KisumContextState()
        self.kisum.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    public var requestDecoder: JSONDecoder { JSONCoding.snakeCaseDecoder }
    public var responseEncoder: JSONEncoder { JSONCoding.snakeCaseEncoder }
}

/// Platform Core: identity, workspaces and access.
public enum PlatformCoreService: KisumService {
    public typealias Context = PlatformRequestContext

    public static let name = "platform-core"
    public static let defaultPort = 8000
    public static let needsPlatformCore = false

    public static func loadSettings(from env: inout EnvironmentReader) -> PlatformCoreSettings {
        PlatformCoreSettings()
    }

    public static func buildRouter(_ runtime: ServiceRuntime<PlatformCoreSettings>) async throws -> Router<Context> {
        runtime.makeRouter(context: Context.self)
    }
}
