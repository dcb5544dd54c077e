import Foundation
import HTTPTypes
import Hummingbird
import KisumTesting
import Logging
import NIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback HTTP server that answers every request with 200 and records what it received.
final class RecordingUpstream: Sendable {
    struct Seen: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: String
    }

    private let seen = Mutex<[Seen]>([])

    var count: Int { seen.withLock { $0.count } }
    var last: Seen? { seen.withLock { $0.last } }
    var paths: [String] { seen.withLock { $0.map(\.path) } }

    func run(_ body: (_ port: Int) async throws -> Void) async throws {
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let entry = Seen(method: request.method.rawValue, path: request.uri.description, headers: headers,
                             body: String(buffer: bytes))
            self.seen.withLock { $0.append(entry) }
            return Response(status: .ok, headers: [HTTPField.Name("X-Upstream")!: "recording"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        var logger = Logger(label: "recording-upstream")
        logger.logLevel = .warning
        try await withRunningApplication({ onRunning in
            Application(
                responder: responder,
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                logger: logger
            )
        }, { port in try await body(port) })
    }
}

