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

    public func log(event: LogEvent) {
        var fields: [String: JSONValue] = [
            "ts": .string(RFC3339.string(from: Date())),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "msg": .string(event.message.description),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged where fields[key] == nil {
            fields[key] = Self.json(value)
        }
        guard var line = try? JSONCoding.encoder.encode(JSONValue.object(fields)) else { return }
        line.append(0x0A)
        Self.lock.withLock {
            line.withUnsafeBytes { bytes in
                // One write(2) per line keeps lines whole when several threads log at once.
                _ = write(STDOUT_FILENO, bytes.baseAddress, bytes.count)
            }
        }
    }

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
