import Foundation
import HTTPTypes
import Hummingbird
import KisumServiceClient
import Logging
import Synchronization

extension HTTPField.Name {
    public static let requestID = HTTPField.Name("X-Request-ID")!
    public static let xOrg = HTTPField.Name("x-org")!
    public static let xWorkspaceID = HTTPField.Name("x-workspace-id")!
    public static let internalAPIKey = HTTPField.Name("X-Internal-API-Key")!
    public static let traceparent = HTTPField.Name("traceparent")!
}

/// Outermost middleware: adopts the caller's `X-Request-ID` (or makes one), puts it on the logger (and
/// the task's `RequestLogger`, which the database uses), on every outbound call (`OutboundContext`), and
/// on the response, then writes one access-log line: for every 4xx/5xx, and for one in `accessLogSample`
/// successful requests (1 = all; `ACCESS_LOG_SAMPLE`), since a line per request is a cost busy services
/// may choose not to pay.
public struct RequestIDMiddleware<Context: KisumRequestContext>: RouterMiddleware {
    let accessLogSample: Int
    private let served = RequestCounter()

    public init(accessLogSample: Int = 1) {
        self.accessLogSample = max(1, accessLogSample)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let requestID = request.headers[.requestID].flatMap(Self.acceptable) ?? UUID().uuidString.lowercased()
        context.kisum.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        context.logger[metadataKey: "hb.request.id"] = nil
        let traceparent = request.headers[.traceparent]
        let started = ContinuousClock.now
        let logger = context.logger

        var response: Response
        do {
            response = try await OutboundContext.$requestID.withValue(requestID) {
                try await OutboundContext.$traceparent.withValue(traceparent) {
                    try await RequestLogger.$current.withValue(context.logger) {
                        try await next(request, context)
                    }
                }
            }
        } catch {
            // Only reached if no ErrorMiddleware sits below; keep the shape anyway.
            response = ErrorMiddleware<Context>.response(for: ErrorMiddleware<Context>.apiError(for: error), requestID: requestID)
        }
        response.headers[.requestID] = requestID
        if response.status.code >= 400 || accessLogSample == 1
            || served.count.wrappingAdd(1, ordering: .relaxed).oldValue % accessLogSample == 0 {
            logger.info("request", metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(Self.milliseconds(ContinuousClock.now - started)),
            ])
        }
        return response
    }

    /// "12.34": two decimals without `String(format:)` (Foundation's formatter showed up in the profile).
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let hundredths = max(0, seconds) * 100_000 + max(0, attoseconds) / 10_000_000_000_000
        let whole = hundredths / 100, fraction = hundredths % 100
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Caller-chosen ids are echoed into logs and headers, so only a safe, bounded alphabet is adopted.
    static func acceptable(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
        return allowed ? value : nil
    }
}

/// Successful requests served, for access-log sampling (a class: `Atomic` is not copyable, middleware is).
final class RequestCounter: Sendable {
    let count = Atomic<Int>(0)
}

/// The logger of the request the current task serves (with its `request_id`). Repositories never take a
/// logger argument: `Database` reads this, so a slow or failing query logs with the request it served,
/// and work outside a request (relays, commands) logs with the service's logger.
public enum RequestLogger {
    @TaskLocal public static var current: Logger?
}
