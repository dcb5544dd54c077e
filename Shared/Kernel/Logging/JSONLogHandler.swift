import Foundation
import Logging
import NIOConcurrencyHelpers

/// One JSON object per line on stdout: `{"ts":…,"level":…,"label":…,"msg":…, …metadata}`.
/// Secrets never reach here: middleware logs ids, routes and codes, never headers or bodies.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    private static let lock = NIOLock()

    public init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the line byte by byte rather than through a `JSONValue` tree and the encoder: one line per
    /// request is on every request's path. Metadata keys are sorted so lines compare and grep the same.
    public func log(event: LogEvent) {
        let line = self.line(for: event)
        Self.lock.withLock {
            line.withUnsafeBytes { bytes in
                // One write(2) per line keeps lines whole when several threads log at once.
                _ = write(STDOUT_FILENO, bytes.baseAddress, bytes.count)
            }
        }
    }

    /// The JSON line of `event`, newline included.
    public func line(for event: LogEvent) -> [UInt8] {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(contentsOf: #"{"ts":"#.utf8)
        JSONTextWriter.string(RFC3339.string(from: Date()), into: &line)
        line.append(contentsOf: #","level":"#.utf8)
        JSONTextWriter.string(event.level.rawValue, into: &line)
        line.append(contentsOf: #","label":"#.utf8)
        JSONTextWriter.string(label, into: &line)
        line.append(contentsOf: #","msg":"#.utf8)
        JSONTextWriter.string(event.message.description, into: &line)
        for key in merged.keys.sorted() where !Self.fixedKeys.contains(key) {
            guard let value = merged[key] else { continue }
            line.append(UInt8(ascii: ","))
            JSONTextWriter.string(key, into: &line)
            line.append(UInt8(ascii: ":"))
            switch value {
            case .string(let text): JSONTextWriter.string(text, into: &line)
            case .stringConvertible(let item): JSONTextWriter.string(item.description, into: &line)
            case .array, .dictionary:
                line.append(contentsOf: (try? JSONCoding.encoder.encodeBytes(Self.json(value))) ?? Array("null".utf8))
            }
        }
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    private static let fixedKeys: Set<String> = ["ts", "level", "label", "msg"]

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let item): return .string(item.description)
        case .array(let items): return .array(items.map(json))
        case .dictionary(let dict): return .object(dict.mapValues(json))
        }
    }
}

public enum LoggingSetup {
    private static let once = NIOLockedValueBox(false)

    /// Installs the process-wide log handler once (tests start several services in one process).
    public static func bootstrap(format: String, level: Logger.Level) {
        once.withLockedValue { done in
            guard !done else { return }
            done = true
            if format == "text" {
                LoggingSystem.bootstrap { label in
                    var handler = StreamLogHandler.standardOutput(label: label)
                    handler.logLevel = level
                    return handler
                }
            } else {
                LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
            }
        }
    }
}
