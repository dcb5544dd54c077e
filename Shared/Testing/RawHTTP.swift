import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HTTP/1.1 over a socket of its own per request (`Connection: close`), on a thread of its own: the drills must tell a
/// connection the server refused from a request it dropped after taking it, which a pooled client hides by retrying.
/// The request target is sent exactly as given (no normalization), which the gateway tests rely on.
public enum RawHTTP {
    public struct Response: Sendable, Equatable {
        public var status: Int
        /// Lower-cased names.
        public var headers: [String: String]
        /// De-chunked.
        public var body: String
    }

    public enum Outcome: Sendable, Equatable {
        /// Nothing took the connection, or it was closed before a byte of an answer came back.
        case refused
        case answered(Response)
        /// Part of an answer, then the connection broke: a request dropped on the way.
        case broken(String)

        public var status: Int? {
            if case .answered(let response) = self { return response.status }
            return nil
        }
    }

    /// One request that must be answered (a JSON body is labelled as such).
    public static func request(port: Int, method: String, path: String, headers: [String: String] = [:], body: String? = nil,
                               timeout: Double = 10) async throws -> Response {
        var headers = headers
        if body != nil, !headers.keys.contains(where: { $0.lowercased() == "content-type" }) { headers["Content-Type"] = "application/json" }
        let outcome = await send(port: port, method, path, headers: headers, body: body, timeout: timeout)
        guard case .answered(let response) = outcome else { throw TestSetupError("\(method) \(path) on port \(port): \(outcome)") }
        return response
    }

    /// Sends one request to 127.0.0.1:`port`. With `pauseBeforeBody` the head goes first, `headSent` is called, and the
    /// body follows after the pause (a request in flight while something happens to the server).
    public static func send(
        port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil,
        pauseBeforeBody: Duration? = nil, headSent: (@Sendable () -> Void)? = nil, timeout: Double = 30
    ) async -> Outcome {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: blockingSend(port: port, method, path, headers: headers, body: body,
                                                            pauseBeforeBody: pauseBeforeBody, headSent: headSent, timeout: timeout))
            }.start()
        }
    }

    private static func blockingSend(
        port: Int, _ method: String, _ path: String, headers: [String: String], body: String?,
        pauseBeforeBody: Duration?, headSent: (@Sendable () -> Void)?, timeout: Double
    ) -> Outcome {
        guard let fd = connectLoopback(port: port, timeout: timeout) else { return .refused }
        defer { close(fd) }

        let bodyBytes = Array((body ?? "").utf8)
        var requestHead = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        for (name, value) in headers { requestHead += "\(name): \(value)\r\n" }
        let lengthGiven = headers.keys.contains { $0.lowercased() == "content-length" }
        if !lengthGiven && (body != nil || ["POST", "PUT", "PATCH"].contains(method)) { requestHead += "Content-Length: \(bodyBytes.count)\r\n" }
        requestHead += "\r\n"
        guard write(fd, Array(requestHead.utf8)) else { return .refused }
        if let pauseBeforeBody {
            headSent?()
            let (seconds, attoseconds) = pauseBeforeBody.components
            usleep(UInt32(clamping: seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        }
        if !bodyBytes.isEmpty, !write(fd, bodyBytes) { return .refused }

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            break
        }
        guard !received.isEmpty else { return .refused }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return .broken(text) }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return .broken(text) }
        var responseHeaders: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            responseHeaders[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet.whitespaces)
        }
        var responseBody = String(text[split.upperBound...])
        if responseHeaders["transfer-encoding"]?.lowercased() == "chunked" { responseBody = dechunk(responseBody) }
        return .answered(Response(status: status, headers: responseHeaders, body: responseBody))
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

    /// Sends `text` (a request cut short) and waits: how long until the server closed the connection (nil: still open
    /// after `within`, or never connected).
    public static func timeUntilClosed(port: Int, sending text: String, within: Double) async -> Duration? {
        await withCheckedContinuation { continuation in
            Thread {
                guard let fd = connectLoopback(port: port, timeout: within) else { return continuation.resume(returning: nil) }
                defer { close(fd) }
                guard write(fd, Array(text.utf8)) else { return continuation.resume(returning: nil) }
                let started = ContinuousClock.now
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if count > 0 || (count < 0 && errno == EINTR) { continue }
                    // 0: closed by the server; a timeout leaves EAGAIN.
                    return continuation.resume(returning: count == 0 || errno == ECONNRESET ? started.duration(to: .now) : nil)
                }
            }.start()
        }
    }

    /// A blocking TCP connection to 127.0.0.1:`port` whose reads and writes give up after `timeout` seconds.
    private static func connectLoopback(port: Int, timeout: Double) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}
