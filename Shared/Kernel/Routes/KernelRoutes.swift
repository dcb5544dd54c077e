import Foundation
import Hummingbird
import Logging
import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The process-wide Prometheus registry, installed as the swift-metrics backend once.
public enum MetricsSetup {
    public static let registry = PrometheusCollectorRegistry()
    private static let once = NIOLockedValueBox(false)

    public static func bootstrap() {
        once.withLockedValue { done in
            guard !done else { return }
            done = true
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        }
    }
}

public struct HealthStatus: ResponseEncodable, Sendable {
    public var status: String
    public var service: String
    public var checks: [String: String]?

    public init(status: String, service: String, checks: [String: String]?) {
        self.status = status
        self.service = service
        self.checks = checks
    }
}

extension Router where Context: KisumRequestContext {
    /// A router with the kernel's middleware in order: request id and access log outermost, metrics,
    /// then error rendering (so errors from every handler and middleware get the JSON shape), then the
    /// refusal of NUL and invalid UTF-8 in path, query and headers.
    public static func kisum(context: Context.Type = Context.self, accessLogSample: Int = 1) -> Router<Context> {
        MetricsSetup.bootstrap()
        let router = Router(context: Context.self)
        router.add(middleware: RequestIDMiddleware<Context>(accessLogSample: accessLogSample))
        router.add(middleware: MetricsMiddleware<Context>())
        router.add(middleware: ErrorMiddleware<Context>())
        router.add(middleware: RequestTextMiddleware<Context>())
        return router
    }

    /// `/health/live`, `/health/ready`, `/metrics`, `/openapi.yaml`, and `/docs` (the contract in Swagger UI; 503
    /// `docs_not_installed` without `docs`).
    public func addKernelRoutes(
        service: String,
        contract: String,
        docs: DocsAssets? = nil,
        readiness: @escaping @Sendable () async throws -> Void
    ) {
        get("/health/live") { _, _ in
            HealthStatus(status: "ok", service: service, checks: nil)
        }
        get("/health/ready") { _, context -> HealthStatus in
            do {
                try await readiness()
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                throw APIError.unavailable("not_ready", "The \(service) service is not ready: its database is unavailable.")
            }
            return HealthStatus(status: "ok", service: service, checks: ["database": "ok"])
        }
        get("/metrics") { _, _ -> Response in
            var buffer: [UInt8] = []
            MetricsSetup.registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        let contractBytes = ByteBuffer(string: contract)
        get("/openapi.yaml") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: contractBytes))
        }
        DocsPage.add(to: self, service: service, assets: docs)
    }
}
