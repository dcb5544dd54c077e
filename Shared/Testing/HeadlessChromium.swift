import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Debian's Chromium, headless, for tests that must see a page as a browser renders it (scripts run, the DOM built):
/// `renderedDOM` prints the DOM after the page's scripts and the requests they make have settled.
///
/// Every host name resolves to nothing (`--host-resolver-rules`), so a page that reached for a CDN or any other site
/// would not render; loopback addresses are reached as usual.
public enum HeadlessChromium {
    /// `chromium` (Debian's package) on `PATH` or in /usr/bin; nil when it is not installed.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/bin"]).flatMap { ["\($0)/chromium", "\($0)/chromium-browser"] }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static let missing = "Chromium is not installed: run deploy/scripts/install-deps.sh (Debian package chromium)"

    /// The DOM of `url` once `until` holds for it. Chromium waits for the page's requests and runs its timers in
    /// virtual time; while the DOM is not ready it is started again with twice the budget (a machine busy with a
    /// parallel test run), six times at most and within `timeout`; then this throws with the end of the last DOM.
    public static func renderedDOM(_ url: String, timeout: Duration = .seconds(600),
                                   until ready: (String) -> Bool) async throws -> String {
        guard let chromium = executable else { throw TestSetupError(missing) }
        let deadline = ContinuousClock.now + timeout
        var last = ""
        for attempt in 0..<6 {
            last = try await dumpDOM(chromium: chromium, url: url, virtualTimeMilliseconds: 2_000 << attempt,
                                     timeout: max(.seconds(5), deadline - ContinuousClock.now))
            if ready(last) { return last }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .seconds(1))
        }
        throw TestFailure("\(url) never rendered what was expected; the DOM ended with:\n\(last.suffix(2000))")
    }

    static func dumpDOM(chromium: String, url: String, virtualTimeMilliseconds: Int, timeout: Duration) async throws -> String {
        // A profile of its own, so runs in parallel do not share (or lock) one.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-chromium-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("dom.html")
        let log = folder.appendingPathComponent("chromium.log")
        // At the lowest priority: beside a full parallel test run, rendering a large contract takes seconds of CPU that
        // timing-sensitive tests (the notification streams) need more; this one only waits longer. Into files, not
        // pipes: a large DOM would fill a pipe nobody reads while we wait for the exit.
        let process = try ChildProcess(["/usr/bin/nice", "-n", "19", chromium,
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--user-data-dir=\(folder.path)/profile",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--virtual-time-budget=\(virtualTimeMilliseconds)", "--dump-dom", url,
        ], output: output.path, errors: log.path)
        let raw = try await process.wait(within: timeout)
        process.stop()
        let status = raw.map(ChildProcess.code)
        let dom = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 || !dom.isEmpty else {
            let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw TestSetupError("chromium exited with \(status.map(String.init) ?? "?") for \(url):\n\(errors.suffix(2000))")
        }
        return dom
    }
}
