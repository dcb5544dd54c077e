import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program a test starts: posix_spawn, reaped by its own pid with waitpid. Every program the tests run goes through
/// here. Foundation's `Process` is not used: on Linux it watches its children through libdispatch, and with the suite's
/// parallel tests starting and waiting for curl, nginx, Chromium and pdftotext at once, the test runner died in
/// libdispatch's event loop (signal 11 in `_dispatch_event_loop_drain`, a CI run and a rehearsal of it); its
/// `waitUntilExit` can also miss an exit when called from a concurrency thread.
///
/// Output goes to files, never pipes: a pipe is read until every holder of its write end is gone, and a long-lived
/// process another test started meanwhile could hold a copy. Nothing else this process has open is inherited, and the
/// child starts with no blocked signals and default dispositions (the test runner may block SIGTERM).
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let status = Mutex<Int32?>(nil)

    /// Starts `arguments` (`arguments[0]` is a path, or a name looked up on PATH) with `environment` (nil: this
    /// process's), standard input from /dev/null, standard output to the file `output` and standard error to `errors`
    /// (nil: discarded; the same path as `output`: one file for both).
    public init(_ arguments: [String], environment: [String: String]? = nil, output: String? = nil, errors: String? = nil) throws {
        guard let program = arguments.first else { throw TestSetupError("no program to run") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errors, errors == output {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errors ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        EphemeralCluster.closeInheritedDescriptors(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var cArgs: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in cArgs { free(pointer) } }
        var cEnv: [UnsafeMutablePointer<CChar>?] = (environment ?? ProcessInfo.processInfo.environment)
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cEnv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = program.contains("/")
            ? posix_spawn(&pid, program, &actions, &attributes, &cArgs, &cEnv)
            : posix_spawnp(&pid, program, &actions, &attributes, &cArgs, &cEnv)
        guard spawned == 0 else { throw TestSetupError("cannot start \(program): \(String(cString: strerror(spawned)))") }
        self.pid = pid
    }

    deinit {
        kill(SIGKILL)
        _ = waitBlocking()
    }

    /// The raw wait status once the process has ended (reaped here), else nil.
    public var exitStatus: Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            status = raw
            return raw
        }
    }

    /// The exit code of an ended process: its own, or 128 + the signal that ended it (as a shell reports it).
    public static func code(_ raw: Int32) -> Int32 {
        (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }

    /// Whether it has ended with `exit` (not a signal), and with which code.
    public static func exitCode(_ raw: Int32) -> Int32? {
        (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : nil
    }

    public func kill(_ signal: Int32) {
        if exitStatus == nil { _ = Glibc.kill(pid, signal) }
    }

    /// Waits for the end without holding a thread: the raw status, or nil if it still runs after `within`.
    public func wait(within: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + within
        while ContinuousClock.now < deadline {
            if let raw = exitStatus { return raw }
            try await Task.sleep(for: .milliseconds(10))
        }
        return exitStatus
    }

    /// Waits for the end on this thread (for synchronous callers off the cooperative pool, and after SIGKILL).
    @discardableResult
    public func waitBlocking() -> Int32 {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 {
                guard errno == EINTR else { raw = 0x7f; break }
            }
            status = raw
            return raw
        }
    }

    /// Ends it now: SIGKILL, then reaped.
    public func stop() {
        kill(SIGKILL)
        waitBlocking()
    }

    /// What a program printed and how it ended.
    public struct Completed: Sendable {
        /// The exit code, or 128 + the signal that ended it.
        public let code: Int32
        public let output: String
        public let errors: String
    }

    /// Runs a program to its end on this thread; its standard output and error are read from temporary files.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Completed {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-run-\(UUID().uuidString)").path
        let output = base + ".out", errors = base + ".err"
        defer { for path in [output, errors] { try? FileManager.default.removeItem(atPath: path) } }
        let process = try ChildProcess(arguments, environment: environment, output: output, errors: errors)
        let raw = process.waitBlocking()
        return Completed(code: code(raw),
                         output: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "",
                         errors: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
    }

    /// `run` off the cooperative pool (a thread of its own), so a long program does not hold one of its few threads.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> Completed {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(arguments, environment: environment) as Completed })
            }
        }
    }
}
