import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A service executable (`.build/<config>/venue` …) running as a real process, for the failure drills: signals,
/// exit status and the time it takes are what they test, so nothing in-process would do.
public final class ServiceProcess: Sendable {
    public let name: String
    public let port: Int
    public let pid: pid_t
    public let logPath: String
    private let exitStatus = Mutex<Int32?>(nil)

    /// The folder of the built executables: the test bundle's own (SwiftPM puts them side by side), or `KISUM_BIN_DIR`.
    public static var binDirectory: String {
        if let explicit = ProcessInfo.processInfo.environment["KISUM_BIN_DIR"], !explicit.isEmpty { return explicit }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent().path
    }

    public static func isBuilt(_ executable: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: "\(binDirectory)/\(executable)")
    }

    private init(name: String, port: Int, pid: pid_t, logPath: String) {
        self.name = name
        self.port = port
        self.pid = pid
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
        let argv = ["\(binDirectory)/\(executable)", "serve"]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        EphemeralCluster.closeInheritedDescriptors(&actions)
        // The test runner may block or ignore SIGTERM; the service must see it as it would under a supervisor.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArgs { free(pointer) } }
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cEnv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, &cArgs, &cEnv)
        guard spawned == 0 else { throw TestSetupError("cannot start \(argv[0]): errno \(spawned)") }
        let service = ServiceProcess(name: executable, port: port, pid: pid, logPath: logPath)

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

    public func kill(_ signal: Int32) {
        if exited == nil { _ = Glibc.kill(pid, signal) }
    }

    /// The exit status once the process has ended (reaped here), else nil.
    public var exited: Int32? {
        exitStatus.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            status = raw
            return raw
        }
    }

    /// Waits for the process to end; its `exit` code (nil if a signal ended it or it outlived `within`).
    public func waitForExit(within: Duration) async throws -> (code: Int32?, after: Duration)? {
        let started = ContinuousClock.now
        while started.duration(to: .now) < within {
            if let raw = exited {
                let code: Int32? = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : nil
                return (code, started.duration(to: .now))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Kills the process if it still runs and deletes its log.
    public func remove() {
        kill(SIGKILL)
        _ = exited
        try? FileManager.default.removeItem(atPath: logPath)
    }
}
