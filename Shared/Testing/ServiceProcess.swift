import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A service executable (`.build/<config>/venue` …) running as a real process, for the failure drills: signals,
/// exit status and the time it takes are what they test, so nothing in-process would do.
public final class ServiceProcess: Sendable {
    public let name: String
    public let port: Int
    public let logPath: String
    private let process: ChildProcess
    public var pid: pid_t { process.pid }

    /// The folder of the built executables: the test bundle's own (SwiftPM puts them side by side), or `KISUM_BIN_DIR`.
    public static var binDirectory: String {
        if let explicit = ProcessInfo.processInfo.environment["KISUM_BIN_DIR"], !explicit.isEmpty { return explicit }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent().path
    }

    public static func isBuilt(_ executable: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: "\(binDirectory)/\(executable)")
    }

    private init(name: String, port: Int, process: ChildProcess, logPath: String) {
        self.name = name
        self.port = port
        self.process = process
        self.logPath = logPath
    }

    /// Starts `<executable> serve` on a free loopback port with `environment` (HOST, PORT and KISUM_RESOURCES_DIR added),
    /// its output in a log file, and waits until `/health/ready` answers 200.
    public static func start(_ executable: String, environment: [String: String], readyWithin: Duration = .seconds(60)) async throws
        -> ServiceProcess
    {
        let port = try LoopbackPort.free()
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-drill-\(executable)-\(UUID().uuidString.prefix(8)).log").path
        var env = environment
        env["HOST"] = "127.0.0.1"
        env["PORT"] = "\(port)"
        env["KISUM_RESOURCES_DIR"] = env["KISUM_RESOURCES_DIR"] ?? RepositoryPaths.root
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let process = try ChildProcess(["\(binDirectory)/\(executable)", "serve"], environment: env, output: logPath, errors: logPath)
        let service = ServiceProcess(name: executable, port: port, process: process, logPath: logPath)

        let deadline = ContinuousClock.now + readyWithin
        while ContinuousClock.now < deadline {
            if service.exited != nil { throw TestSetupError("\(executable) exited at start: \(service.log.suffix(3000))") }
            if await RawHTTP.send(port: port, "GET", "/health/ready", timeout: 2).status == 200 { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        service.kill(SIGKILL)
        throw TestSetupError("\(executable) was not ready within \(readyWithin): \(service.log.suffix(3000))")
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public func kill(_ signal: Int32) { process.kill(signal) }

    /// The raw wait status once the process has ended (reaped here), else nil.
    public var exited: Int32? { process.exitStatus }

    /// Waits for the process to end; its `exit` code (nil if a signal ended it or it outlived `within`).
    public func waitForExit(within: Duration) async throws -> (code: Int32?, after: Duration)? {
        let started = ContinuousClock.now
        guard let raw = try await process.wait(within: within) else { return nil }
        return (ChildProcess.exitCode(raw), started.duration(to: .now))
    }

    /// Kills the process if it still runs and deletes its log.
    public func remove() {
        process.stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }
}
