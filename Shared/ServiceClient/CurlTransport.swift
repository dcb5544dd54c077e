import CCurl
import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// HTTP transport over libcurl's easy interface.
///
/// `curl_easy_perform` blocks, so transfers run on a dedicated `NIOThreadPool`, never on an event
/// loop. Easy handles are pooled: a handle keeps its connection cache between uses, which gives
/// keep-alive to the peer services without the share interface.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: `handles` is only touched under `lock`; the thread pool is thread-safe.
    private let threadPool: NIOThreadPool
    private let lock = NIOLock()
    private var handles: [UnsafeMutableRawPointer] = []
    private let maxIdleHandles: Int

    /// A thread is held for a whole transfer, up to its timeout, so the pool bounds how many calls are in flight,
    /// not CPU: with 4, a few calls to a slow peer (waiting out their timeouts) queued every other call behind them,
    /// and where services run in one process (the system tests) a call whose handler makes another call could wait
    /// for a thread its own caller held. Idle threads cost address space, not memory.
    public static let shared = CurlTransport(threads: 32)

    public init(threads: Int, maxIdleHandles: Int = 16) {
        Self.globalInit
        self.threadPool = NIOThreadPool(numberOfThreads: threads)
        self.threadPool.start()
        self.maxIdleHandles = maxIdleHandles
    }

    deinit {
        for handle in handles { curl_easy_cleanup(handle) }
        try? threadPool.syncShutdownGracefully()
    }

    // curl_global_init is not thread-safe; a static let runs it exactly once.
    private static let globalInit: Void = {
        _ = curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    public func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        try await threadPool.runIfActive { [self] in
            let handle = checkout()
            // A pinned host stays in the handle's DNS cache after a reset: such a handle is not reused.
            defer { if request.resolve == nil { checkin(handle) } else { curl_easy_cleanup(handle) } }
            return try perform(request, on: handle)
        }
    }

    private func checkout() -> UnsafeMutableRawPointer {
        if let handle = lock.withLock({ handles.popLast() }) {
            curl_easy_reset(handle)
            return handle
        }
        return curl_easy_init()
    }

    private func checkin(_ handle: UnsafeMutableRawPointer) {
        let kept = lock.withLock { () -> Bool in
            guard handles.count < maxIdleHandles else { return false }
            handles.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
    }

    private func perform(_ request: OutboundRequest, on handle: UnsafeMutableRawPointer) throws -> OutboundResponse {
        let sink = ResponseSink(limit: request.maxResponseBytes)
        let sinkPointer = Unmanaged.passRetained(sink)
        defer { sinkPointer.release() }

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // curl adds "Expect: 100-continue" to larger POSTs, which costs a round trip to our own services.
        headerList = curl_slist_append(headerList, "Expect:")
        defer { curl_slist_free_all(headerList) }

        kisum_curl_setopt_string(handle, CURLOPT_URL, request.url)
        kisum_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        kisum_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeout.milliseconds)
        kisum_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.milliseconds)
        kisum_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        kisum_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        kisum_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer.toOpaque())
        kisum_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlBodyCallback)
        kisum_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer.toOpaque())
        kisum_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback)

        let pin = UnsafeMutablePointer<kisum_curl_pin>.allocate(capacity: 1)
        defer { pin.deallocate() }
        var resolveList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(resolveList) }
        if let resolve = request.resolve {
            guard kisum_curl_pin_parse(pin, resolve.address) == 0 else {
                throw ServiceClientError.unreachable(service: request.url, url: request.url, reason: "invalid pinned address")
            }
            let address = resolve.address.contains(":") ? "[\(resolve.address)]" : resolve.address
            resolveList = curl_slist_append(nil, "\(resolve.host):\(resolve.port):\(address)")
            kisum_curl_setopt_slist(handle, CURLOPT_RESOLVE, resolveList)
            _ = kisum_curl_pin_connections(handle, pin)
            // A proxy would be another address (refused by the pin): pinned transfers go direct, over HTTP(S) only.
            kisum_curl_setopt_string(handle, CURLOPT_NOPROXY, "*")
            kisum_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        }
        if let limit = request.maxResponseBytes {
            kisum_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limit))
        }

        switch request.method {
        case "GET": kisum_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "HEAD": kisum_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
        default: kisum_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }

        let body = request.body ?? (["POST", "PUT", "PATCH"].contains(request.method) ? [] : nil)
        let code: CURLcode
        if let body {
            code = body.withUnsafeBufferPointer { buffer -> CURLcode in
                kisum_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(buffer.count))
                if let base = buffer.baseAddress, buffer.count > 0 {
                    kisum_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                } else {
                    // An empty body still needs body data set, or curl would read the upload from stdin.
                    kisum_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                }
                return curl_easy_perform(handle)
            }
        } else {
            code = curl_easy_perform(handle)
        }

        if sink.exceeded || code == CURLE_FILESIZE_EXCEEDED {
            throw ResponseTooLargeError(limit: request.maxResponseBytes ?? 0)
        }
        guard code == CURLE_OK else {
            let reason = String(cString: curl_easy_strerror(code))
            if code == CURLE_OPERATION_TIMEDOUT {
                throw ServiceClientError.timeout(service: request.url, url: request.url)
            }
            throw ServiceClientError.unreachable(service: request.url, url: request.url, reason: reason)
        }
        var status = 0
        kisum_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return OutboundResponse(status: status, headers: sink.headers, body: sink.body)
    }
}

/// Collects one transfer's headers and body; used from a single curl thread at a time.
private final class ResponseSink {
    let limit: Int?
    /// Set when the body passed `limit`; the transfer was stopped there.
    var exceeded = false
    var body: [UInt8] = []

    init(limit: Int?) {
        self.limit = limit
    }

    var headers: [(name: String, value: String)] = []

    func appendHeaderLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            // A new status line (after a 100 Continue or a redirect) starts a fresh header block.
            headers.removeAll()
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon])
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.append((name, value))
    }
}

private let curlBodyCallback: kisum_curl_data_callback = { data, size, count, userdata in
    guard let data, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    if let limit = sink.limit, length > limit - sink.body.count {
        // Returning less than `length` makes curl stop the transfer (CURLE_WRITE_ERROR).
        sink.exceeded = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        sink.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }
    return length
}

private let curlHeaderCallback: kisum_curl_data_callback = { data, size, count, userdata in
    guard let data, let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
    }
    sink.appendHeaderLine(line)
    return length
}

extension Duration {
    /// Whole milliseconds, rounded up so a sub-millisecond deadline never becomes "no deadline" (0).
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        return max(millis, 1)
    }
}
