import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import Logging

/// `GET /api`: what this service is and where its contract and probes are, for a person or a tool finding its
/// way in. Like the kernel's probes it needs no token and names nothing a tenant owns.
struct ServiceIndex: ResponseEncodable, Sendable {
    struct Links: Codable, Sendable {
        var contract: String
        var health: String
        var live: String
        var ready: String
        var metrics: String
    }

    var name: String
    var title: String
    var version: String
    var links: Links
}

/// `GET /api` and `GET /api/health` (the spec's two untagged routes). `/api/health` answers as `/health/ready`
/// does (the database is reachable, else 503 `not_ready`), under the `/api` prefix a gateway forwards.
struct ServiceIndexRoutes: Sendable {
    typealias Context = BaseService.Context
    let index: ServiceIndex
    let database: Database

    init(contract: String, database: Database) {
        index = ServiceIndex(
            name: BaseService.name, title: "Kisum Base API", version: Self.version(of: contract),
            links: .init(contract: "/openapi.yaml", health: "/api/health", live: "/health/live", ready: "/health/ready", metrics: "/metrics"))
        self.database = database
    }

    func addRoutes(to root: RouterGroup<Context>) {
        let api = root.group("/api")
        api.get("", use: describe)
        api.get("health", use: health)
    }

    @Sendable func describe(_ request: Request, context: Context) async throws -> ServiceIndex {
        index
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> HealthStatus {
        do {
            try await database.ping()
        } catch {
            context.logger.warning("health check failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("not_ready", "The \(BaseService.name) service is not ready: its database is unavailable.")
        }
        return HealthStatus(status: "ok", service: BaseService.name, checks: ["database": "ok"])
    }

    /// The contract's `info.version`: the version clients code against is the contract's, so it is read from there
    /// rather than kept twice.
    static func version(of contract: String) -> String {
        var inInfo = false
        for line in contract.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "info:" { inInfo = true; continue }
            if inInfo, !line.hasPrefix(" ") { break }
            if inInfo, line.hasPrefix("  version:") {
                return line.dropFirst("  version:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }
}
