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

/// A real WebDAV server for the Nextcloud tests: nginx with its DAV module (PUT) and the dav-ext module
/// (PROPFIND; Debian's libnginx-mod-http-dav-ext, installed by deploy/scripts/install-deps.sh), serving a
/// throw-away folder at Nextcloud's `/remote.php/dav/files/<user>/` behind basic auth.
final class WebDAVServer: Sendable {
    static let moduleCandidates = ["/usr/lib/nginx/modules/ngx_http_dav_ext_module.so", "/usr/lib64/nginx/modules/ngx_http_dav_ext_module.so"]
    static var nginx: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"]).map { "\($0)/nginx" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var module: String? { moduleCandidates.first { FileManager.default.fileExists(atPath: $0) } }
    /// Missing locally: the tests are skipped with this said. CI sets `CI`, and there they run (and fail) anyway.
    static var runnable: Bool { (nginx != nil && module != nil) || ProcessInfo.processInfo.environment["CI"] != nil }
    static let missing = "nginx with the WebDAV extension module is not installed (deploy/scripts/install-deps.sh installs nginx-light and libnginx-mod-http-dav-ext)"

    let user = "alice"
    let password = "app-password-123"
    let directory: String
    let port: Int
    private let process = Mutex<Process?>(nil)

    /// The account's files on disk.
    var files: String { directory + "/root" }
    var url: String { "http://127.0.0.1:\(port)" }

    init() throws {
        guard let module = Self.module else { throw TestSetupError(Self.missing) }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-webdav-\(UUID().uuidString.prefix(8))").path
        port = try Self.freePort()
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/root", withIntermediateDirectories: true)
        try "\(user):{PLAIN}\(password)\n".write(toFile: directory + "/htpasswd", atomically: true, encoding: .utf8)
        let config = """
            load_module \(module);
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 64; }
            http {
                client_body_temp_path \(directory)/tmp/body;
                proxy_temp_path \(directory)/tmp/proxy;
                fastcgi_temp_path \(directory)/tmp/fastcgi;
                uwsgi_temp_path \(directory)/tmp/uwsgi;
                scgi_temp_path \(directory)/tmp/scgi;
                access_log off;
                types { application/pdf pdf; text/plain txt; }
                default_type application/octet-stream;
                server {
                    listen 127.0.0.1:\(port);
                    location /remote.php/dav/files/\(user)/ {
                        alias \(directory)/root/;
                        auth_basic "Nextcloud";
                        auth_basic_user_file \(directory)/htpasswd;
                        dav_methods PUT DELETE MKCOL COPY MOVE;
                        dav_ext_methods PROPFIND OPTIONS;
                        client_max_body_size 64m;
                    }
                }
            }
            """
        try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
    }

    /// Runs `body` with nginx up, then stops it and removes its folder.
    func run<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        guard let nginx = Self.nginx else { throw TestSetupError(Self.missing) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", directory, "-e", directory + "/error.log", "-c", directory + "/nginx.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process.withLock { $0 = process }
        defer { stop() }
        var listening = false
        for _ in 0..<100 where process.isRunning {
            if Self.accepts(port: port) { listening = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard listening else {
            let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
            throw TestSetupError("nginx (WebDAV) did not start on \(port): \(log)")
        }
        return try await body()
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let path = files + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func read(_ relative: String) -> [UInt8]? { FileManager.default.contents(atPath: files + "/" + relative).map { [UInt8]($0) } }

    /// SIGKILL: one process without workers (master_process off) has nothing to clean up.
    func stop() {
        process.withLock { process in
            if let running = process, running.isRunning {
                kill(running.processIdentifier, SIGKILL)
                running.waitUntilExit()
            }
            process = nil
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard bound == 0, named == 0 else { throw TestSetupError("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// A scripted "Nextcloud": answers every request after `delay` with `status` and `body`, and records what it was
/// asked (`METHOD path depth authorization`).
struct ScriptedNextcloud: Sendable {
    final class Recorder: Sendable {
        let requests = Mutex<[String]>([])
        var all: [String] { requests.withLock { $0 } }
    }

    var delay: Duration = .zero
    var status = HTTPResponse.Status(code: 207)
    var body = "<not-xml"
    let recorder = Recorder()

    func run<Value: Sendable>(_ body: (_ port: Int) async throws -> Value) async throws -> Value {
        let (delay, status, text, recorder) = (self.delay, self.status, self.body, self.recorder)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let line = "\(request.method.rawValue) \(request.uri.path) \(request.headers[HTTPField.Name("Depth")!] ?? "-") \(request.headers[.authorization] ?? "-")"
            recorder.requests.withLock { $0.append(line) }
            _ = try await request.body.collect(upTo: 1 << 20)
            try await Task.sleep(for: delay)
            return Response(status: status, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        var logger = Logger(label: "scripted-nextcloud")
        logger.logLevel = .critical
        return try await withRunningApplication({ onRunning in
            Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                        onServerRunning: { await onRunning($0.localAddress?.port ?? 0) }, logger: logger)
        }, body)
    }
}
