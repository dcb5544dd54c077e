import Foundation
import Logging

/// Settings every service reads the same way. Service-specific settings live with each service.
public struct KernelSettings: Sendable {
    public var serviceName: String
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var logFormat: String
    /// Folder holding `Migrations/` and `contracts/` (the repository root, or `/app` in the image).
    public var resourcesDirectory: String
    /// Keys accepted on this service's `/internal/` routes; several at once so keys can rotate.
    public var internalAPIKeys: [String]
    public var auth: AuthSettings
    /// `serve` runs Swift concurrency's global executor on NIO's event loops (`NIO_GLOBAL_EXECUTOR`).
    public var nioGlobalExecutor: Bool
    /// One successful request in this many is written to the access log; 4xx/5xx always are (`ACCESS_LOG_SAMPLE`).
    public var accessLogSample: Int
    /// Folder holding Swagger UI's files for `/docs` (`DOCS_ASSETS_DIR`; default `.data/swagger-ui` under the
    /// resources folder, where `deploy/scripts/install-deps.sh` puts them). Without them `/docs` answers 503.
    public var docsAssetsDirectory: String

    public init(serviceName: String, host: String, port: Int, logLevel: Logger.Level, logFormat: String,
                resourcesDirectory: String, internalAPIKeys: [String], auth: AuthSettings,
                nioGlobalExecutor: Bool = true, accessLogSample: Int = 1, docsAssetsDirectory: String? = nil) {
        self.serviceName = serviceName
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.resourcesDirectory = resourcesDirectory
        self.internalAPIKeys = internalAPIKeys
        self.auth = auth
        self.nioGlobalExecutor = nioGlobalExecutor
        self.accessLogSample = accessLogSample
        self.docsAssetsDirectory = docsAssetsDirectory ?? "\(resourcesDirectory)/.data/swagger-ui"
    }

    public struct AuthSettings: Sendable {
        /// Platform Core's JWKS; nil in Platform Core itself, which verifies with its own key store.
        public var jwksURL: String?
        public var issuer: String
        public var audience: String
        /// Platform Core base URL for effective-access resolution.
        public var platformCoreURL: String?
        /// Key this service presents on Platform Core's internal routes.
        public var platformCoreAPIKey: String?
        public var accessCacheTTL: Duration
        /// Verified access tokens remembered until they expire (`VerifiedTokenCache`); 0 verifies every request.
        public var tokenCacheSize: Int

        public init(jwksURL: String?, issuer: String, audience: String, platformCoreURL: String?,
                    platformCoreAPIKey: String?, accessCacheTTL: Duration,
                    tokenCacheSize: Int = VerifiedTokenCache.defaultCapacity) {
            self.jwksURL = jwksURL
            self.issuer = issuer
            self.audience = audience
            self.platformCoreURL = platformCoreURL
            self.platformCoreAPIKey = platformCoreAPIKey
            self.accessCacheTTL = accessCacheTTL
            self.tokenCacheSize = tokenCacheSize
        }
    }

    /// - Parameter needsPlatformCore: false only for Platform Core itself.
    public static func load(
        service: String,
        defaultPort: Int,
        needsPlatformCore: Bool,
        from env: inout EnvironmentReader
    ) -> KernelSettings {
        let level = env.oneOf("LOG_LEVEL", ["trace", "debug", "info", "notice", "warning", "error", "critical"], default: "info")
        let keys = env.list("INTERNAL_API_KEYS")
        if keys.isEmpty {
            env.report("INTERNAL_API_KEYS is required (comma-separated keys accepted on /internal/ routes)")
        } else if keys.contains(where: { $0.utf8.count < 24 }) {
            env.report("INTERNAL_API_KEYS entries must be at least 24 characters")
        }
        let jwks = env.url("AUTH_JWKS_URL", required: needsPlatformCore, hint: "Platform Core JWKS, e.g. http://platform-core:8000/.well-known/jwks.json")
        let core = env.url("PLATFORM_CORE_URL", required: needsPlatformCore, hint: "Platform Core base URL for effective access")
        let coreKey: String? = needsPlatformCore
            ? env.required("PLATFORM_CORE_API_KEY", hint: "internal API key accepted by Platform Core")
            : env.optional("PLATFORM_CORE_API_KEY")
        let resources = env.string("KISUM_RESOURCES_DIR", default: FileManager.default.currentDirectoryPath)
        return KernelSettings(
            serviceName: service,
            host: env.string("HOST", default: "0.0.0.0"),
            port: env.int("PORT", default: defaultPort, range: 0...65535),
            logLevel: Logger.Level(rawValue: level) ?? .info,
            logFormat: env.oneOf("LOG_FORMAT", ["json", "text"], default: "json"),
            resourcesDirectory: resources,
            internalAPIKeys: keys,
            auth: AuthSettings(
                jwksURL: jwks,
                issuer: env.string("AUTH_ISSUER", default: "kisum-platform-core"),
                audience: env.string("AUTH_AUDIENCE", default: "kisum"),
                platformCoreURL: core,
                platformCoreAPIKey: (coreKey ?? "").isEmpty ? nil : coreKey,
                accessCacheTTL: .seconds(env.int("ACCESS_CACHE_TTL_SECONDS", default: 30, range: 0...600)),
                tokenCacheSize: env.int("TOKEN_CACHE_SIZE", default: VerifiedTokenCache.defaultCapacity, range: 0...1_000_000)
            ),
            nioGlobalExecutor: env.bool("NIO_GLOBAL_EXECUTOR", default: true),
            accessLogSample: env.int("ACCESS_LOG_SAMPLE", default: 1, range: 1...1_000_000),
            docsAssetsDirectory: env.string("DOCS_ASSETS_DIR", default: "\(resources)/.data/swagger-ui")
        )
    }
}
