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
    static var module: String? { moduleCandidates.first { FileManager.default.fileExists(atPath: $0) } }
    /// Missing locally: the tests are skipped with this said. CI sets `CI`, and there they run (and fail) anyway.
    static var runnable: Bool { (NginxInstance.executable != nil && module != nil) || ProcessInfo.processInfo.environment["CI"] != nil }
    static let missing = "nginx with the WebDAV extension module is not installed (deploy/scripts/install-deps.sh installs nginx-light and libnginx-mod-http-dav-ext)"

    let user = "alice"
    let password = "app-password-123"
    let nginx: NginxInstance

    /// The account's files on disk.
    var files: String { nginx.directory + "/root" }
    var url: String { nginx.baseURL }

    init() throws {
        guard let module = Self.module else { throw TestSetupError(Self.missing) }
        let user = user, password = password
        nginx = try NginxInstance(name: "kisum-webdav", preamble: "load_module \(module);", connections: 64) { directory, port in
            try FileManager.default.createDirectory(atPath: directory + "/root", withIntermediateDirectories: true)
            try "\(user):{PLAIN}\(password)\n".write(toFile: directory + "/htpasswd", atomically: true, encoding: .utf8)
            return """
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
            """
        }
    }

    /// Runs `body` with nginx up, then stops it and removes its folder.
    func run<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        defer { nginx.remove() }
        try await nginx.start()
        return try await body()
    }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let path = files + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func read(_ relative: String) -> [UInt8]? { FileManager.default.contents(atPath: files + "/" + relative).map { [UInt8]($0) } }
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
