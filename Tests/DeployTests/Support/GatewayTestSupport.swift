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

/// HTTP/1.1 over a plain socket, sending the request target exactly as given (no normalization).
enum RawHTTP {
    struct Response: Sendable {
        var status: Int
        /// Lower-cased names.
        var headers: [String: String]
        var body: String
    }

    static func request(port: Int, method: String, path: String, headers: [String: String] = [:], body: String? = nil) async throws -> Response {
        try await blocking { try send(port: port, method: method, path: path, headers: headers, body: body) }
    }

    static func send(port: Int, method: String, path: String, headers: [String: String] = [:], body: String? = nil) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DeployCheckError("socket() failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw DeployCheckError("connect to 127.0.0.1:\(port) failed") }

        var request = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + (body ?? "")
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw DeployCheckError("write failed") }
            sent += n
        }

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw DeployCheckError("no HTTP response: \(text)") }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw DeployCheckError("bad status line \(head[0])") }
        var responseHeaders: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            responseHeaders[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var responseBody = String(text[split.upperBound...])
        if responseHeaders["transfer-encoding"]?.lowercased() == "chunked" { responseBody = dechunk(responseBody) }
        return Response(status: status, headers: responseHeaders, body: responseBody)
    }

    private static func dechunk(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let end = rest.utf8.index(start, offsetBy: size, limitedBy: rest.endIndex) ?? rest.endIndex
            result += rest[start..<end]
            rest = rest[end...].dropFirst(2)
        }
        return result
    }
}
