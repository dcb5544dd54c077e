import Foundation
import KisumKernel

/// A Server-Sent Events stream read as a browser's EventSource would read it, by a separate client: curl with `-N`,
/// its output landing in a file as it arrives. The complete `notification` events so far are in `events`.
public final class EventStreamReader: Sendable {
    public struct Event: Sendable {
        public var id: Int64
        public var notificationID: UUID
    }

    private let process: ChildProcess
    private let outputPath: String

    public init(url: String, token: String, lastEventID: Int64? = nil, maxTime: Int = 300) throws {
        outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-sse-\(UUID().uuidString)").path
        var arguments = ["/usr/bin/curl", "-sN", "--max-time", "\(maxTime)",
                         "-H", "Authorization: Bearer \(token)", "-H", "Accept: text/event-stream"]
        if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
        process = try ChildProcess(arguments + [url], output: outputPath)
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(atPath: outputPath)
    }

    /// Everything received so far.
    public var text: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Stops reading (curl is killed); what it had received is kept.
    public func stop() { process.stop() }

    public func waitFor(timeout: Duration, _ condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(text) {
            guard ContinuousClock.now < deadline else { throw TestFailure("the stream never showed what was expected; got:\n\(text.suffix(2000))") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The `notification` events received so far: only messages followed by the blank line that ends them.
    public var events: [Event] {
        text.components(separatedBy: "\n\n").dropLast().compactMap { message in
            let lines = message.split(separator: "\n")
            guard lines.contains("event: notification"),
                  let id = lines.first(where: { $0.hasPrefix("id: ") }).flatMap({ Int64($0.dropFirst(4)) }),
                  let data = lines.first(where: { $0.hasPrefix("data: ") }).map({ Data($0.dropFirst(6).utf8) }),
                  let json = try? JSONCoding.decoder.decode(JSONValue.self, from: data),
                  let notificationID = json["id"]?.uuid else { return nil }
            return Event(id: id, notificationID: notificationID)
        }
    }

    /// Waits for `count` events, then a little longer (anything beyond `count` would be a duplicate); all received.
    public func notifications(count: Int, timeout: Duration) async throws -> [Event] {
        try await waitFor(timeout: timeout) { _ in events.count >= count }
        try await Task.sleep(for: .milliseconds(300))
        return events
    }
}
