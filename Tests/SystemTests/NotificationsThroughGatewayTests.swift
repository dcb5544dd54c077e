import Foundation
import KisumKernel
import KisumTesting
import PlatformCoreAPI
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11, "Done when": "A test holds an SSE stream open through the real gateway while 1,000 notifications are
/// produced concurrently by several writers; the client receives all 1,000 exactly once, in order, including across a
/// forced reconnect with `Last-Event-ID`."
///
/// nginx runs `deploy/gateway/routes.conf` verbatim (every upstream pointed at the live Platform Core); curl reads the
/// stream through `/platform/api/v1/notifications/stream` as a browser's EventSource would.
@Suite("System: notification stream through the gateway")
struct NotificationsThroughGatewayTests {
    @Test(.enabled(if: GatewayProcess.nginxPath != nil, "nginx is not installed"))
    func thousandConcurrentNotificationsArriveOnceInOrderAcrossAReconnect() async throws {
        try await LiveCore.withSignedUpOwner(email: "owner@stream.example", company: "Tivoli") { live in
            let token = try #require(live.token)
            let me = try await Caller(baseURL: live.url).with(token: token, org: live.workspace).call("GET", "/api/v1/auth/me")
            let owner = try #require(me.json["user"]?["id"]?.uuid, "\(me.json)")
            let corePort = try #require(URLComponents(string: live.url)?.port)
            let gateway = try GatewayProcess(upstreamPort: corePort)
            defer { gateway.remove() }
            try await gateway.start()
            let url = "http://127.0.0.1:\(gateway.port)/platform/api/v1/notifications/stream"

            let first = try StreamReader(url: url, token: token)
            try await first.waitFor(timeout: .seconds(20)) { $0.contains(": connected") }
            let producer = PlatformNotificationsClient(baseURL: live.url, apiKey: TestDefaults.internalKeys[1], timeout: .seconds(30))
            let writers = Task {
                try await withThrowingTaskGroup(of: [UUID].self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            var ids: [UUID] = []
                            for n in 0..<125 {
                                let answer = try await producer.notify(NotificationRequest(
                                    companyId: live.workspace, userIds: [owner], type: "task.assigned", title: "Task \(writer)-\(n)",
                                    source: "base"))
                                ids += answer.delivered.compactMap(\.notificationId)
                            }
                            return ids
                        }
                    }
                    var all: [UUID] = []
                    for try await ids in group { all += ids }
                    return all
                }
            }
            // A forced reconnect in the middle of the writing.
            try await first.waitFor(timeout: .seconds(120)) { _ in first.events.count >= 300 }
            first.stop()
            let before = first.events
            let resumeAfter = try #require(before.last?.id)
            let second = try StreamReader(url: url, token: token, lastEventID: resumeAfter)
            defer { second.stop() }
            let written = try await writers.value
            #expect(written.count == 1000)
            try await second.waitFor(timeout: .seconds(120)) { _ in before.count + second.events.count >= 1000 }
            try await Task.sleep(for: .milliseconds(500))
            let after = second.events

            let all = before + after
            #expect(all.count == 1000, "received \(all.count)")
            #expect(Set(all.map(\.notificationID)) == Set(written))
            #expect(all.map(\.id) == all.map(\.id).sorted())
            #expect(Set(all.map(\.id)).count == all.count)
            #expect(after.allSatisfy { $0.id > resumeAfter })
        }
    }
}

/// curl reading an event stream; the complete `notification` events so far.
final class StreamReader: @unchecked Sendable {
    struct Event: Sendable {
        var id: Int64
        var notificationID: UUID
    }

    private let process = Process()
    private let pipe = Pipe()
    private let lock = NSLock()
    private var output = ""

    init(url: String, token: String, lastEventID: Int64? = nil) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-sN", "--max-time", "300", "-H", "Authorization: Bearer \(token)", "-H", "Accept: text/event-stream"]
        if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
        process.arguments = arguments + [url]
        process.standardOutput = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty, let self else { return }
            self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var text: String { lock.withLock { output } }

    /// Stops reading: curl is killed (SIGKILL: processes started by the test runner may inherit a signal mask that
    /// blocks SIGTERM) and what it had delivered is kept.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        pipe.fileHandleForReading.readabilityHandler = nil
    }

    func waitFor(timeout: Duration, _ condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(text) {
            guard ContinuousClock.now < deadline else { throw TestFailure("the stream never showed what was expected; got:\n\(text.suffix(1500))") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    var events: [Event] {
        // Only messages followed by the blank line that ends them.
        let complete = text.components(separatedBy: "\n\n").dropLast()
        return complete.compactMap { message in
            let lines = message.split(separator: "\n")
            guard lines.contains("event: notification"),
                  let id = lines.first(where: { $0.hasPrefix("id: ") }).flatMap({ Int64($0.dropFirst(4)) }),
                  let data = lines.first(where: { $0.hasPrefix("data: ") }).map({ Data($0.dropFirst(6).utf8) }),
                  let json = try? JSONCoding.decoder.decode(JSONValue.self, from: data),
                  let notificationID = json["id"]?.uuid else { return nil }
            return Event(id: id, notificationID: notificationID)
        }
    }
}

/// nginx with `deploy/gateway/routes.conf` and every upstream of `upstreams.conf` pointed at one loopback port.
final class GatewayProcess: @unchecked Sendable {
    static var nginxPath: String? {
        ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    let directory: String
    let port: Int
    private let process = Process()

    init(upstreamPort: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-gw-\(UUID().uuidString.prefix(8))").path
        port = try Self.freePort()
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory + "/tmp")
        let root = RepositoryPaths.root
        var upstreams = try String(contentsOfFile: root + "/deploy/gateway/upstreams.conf", encoding: .utf8)
        upstreams = upstreams.replacing(try Regex(#"server\s+[\w.-]+:\d+;"#), with: "server 127.0.0.1:\(upstreamPort);")
        let config = """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 256; }
            http {
                client_body_temp_path \(directory)/tmp/body;
                proxy_temp_path \(directory)/tmp/proxy;
                fastcgi_temp_path \(directory)/tmp/fastcgi;
                uwsgi_temp_path \(directory)/tmp/uwsgi;
                scgi_temp_path \(directory)/tmp/scgi;
                access_log off;
            \(upstreams)
                server {
                    listen 127.0.0.1:\(port);
                    server_name _;
                    include \(root)/deploy/gateway/routes.conf;
                }
            }
            """
        try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
    }

    func start() async throws {
        guard let nginx = Self.nginxPath else { throw TestFailure("nginx is not installed") }
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", directory, "-e", directory + "/error.log", "-c", directory + "/nginx.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let health = Caller(baseURL: "http://127.0.0.1:\(port)")
        for _ in 0..<100 {
            if let answer = try? await health.call("GET", "/health"), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
        throw TestFailure("nginx did not start on \(port): \(log)")
    }

    /// SIGKILL: one nginx process without workers has nothing to clean up.
    func remove() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw TestFailure("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw TestFailure("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
