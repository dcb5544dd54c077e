import Foundation

/// The text of a PDF as a reader extracts it: poppler's `pdftotext` (Debian's poppler-utils, installed by
/// deploy/scripts/install-deps.sh) run as a subprocess. Tests assert on what a person copying text out of the
/// document would get, not on bytes of the file, so they hold for any correct writer (fonts subset, streams
/// compressed, text shaped).
public enum PdfText {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The text of `pdf`, pages separated by form feeds. `layout` keeps the physical layout (columns side by side).
    /// Runs on a thread of its own: waiting for a process must not occupy the cooperative pool.
    public static func extract(_ pdf: [UInt8], layout: Bool = false) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try extractBlocking(pdf, layout: layout) }) }.start()
        }
    }

    /// Number of pages, as `pdfinfo` (also poppler-utils) reports it.
    public static func pageCount(_ pdf: [UInt8]) async throws -> Int {
        let info = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run("pdfinfo", pdf, arguments: []) }) }.start()
        }
        for line in info.split(separator: "\n") where line.hasPrefix("Pages:") {
            if let count = Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) { return count }
        }
        throw Failure(description: "pdfinfo printed no page count:\n\(info)")
    }

    /// The text with every run of whitespace (line breaks of wrapped lines, page breaks) as one space, so a test can
    /// look for a sentence wherever the layout wrapped it, and without the bidi controls pdftotext wraps around
    /// right-to-left runs (U+202B … U+202C: they are its output's, not the document's).
    public static func flattened(_ text: String) -> String {
        let bidiControls: Set<UInt32> = [0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter { !bidiControls.contains($0.value) }))
        return kept.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    public static func extractBlocking(_ pdf: [UInt8], layout: Bool = false) throws -> String {
        try run("pdftotext", pdf, arguments: (layout ? ["-layout"] : []) + ["-enc", "UTF-8"], writesOutputFile: true)
    }

    /// Files rather than pipes, so a process started meanwhile by another test cannot hold a pipe open.
    private static func run(_ program: String, _ pdf: [UInt8], arguments: [String], writesOutputFile: Bool = false) throws -> String {
        guard let executable = findProgram(program) else {
            throw Failure(description: "\(program) is not installed: install poppler-utils (deploy/scripts/install-deps.sh)")
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-pdf-\(UUID().uuidString)").path
        let input = base + ".pdf", output = base + ".txt"
        defer { for path in [input, output] { try? FileManager.default.removeItem(atPath: path) } }
        guard FileManager.default.createFile(atPath: input, contents: Data(pdf)) else {
            throw Failure(description: "could not write temporary files under \(base)")
        }
        let done = try ChildProcess.run([executable] + arguments + [input] + (writesOutputFile ? [output] : []))
        guard done.code == 0 else { throw Failure(description: "\(program) failed (\(done.code)): \(done.errors)") }
        return writesOutputFile ? (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" : done.output
    }

    private static func findProgram(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
