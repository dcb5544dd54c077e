import CCurl
import Foundation
import KisumPersistence
import NIOPosix

/// Sends one e-mail. The production transport is SMTP over libcurl.
public protocol MailTransport: Sendable {
    func send(_ message: EmailMessage, from: String) async throws
}

public enum MailError: Error, CustomStringConvertible {
    /// The server refused the message for good (5xx): retrying will not help.
    case rejected(code: Int, reason: String)
    /// Connection, TLS or temporary (4xx) failures: the relay retries with backoff.
    case failed(reason: String)

    public var description: String {
        switch self {
        case .rejected(let code, let reason): return "SMTP rejected the message (\(code)): \(reason)"
        case .failed(let reason): return "SMTP delivery failed: \(reason)"
        }
    }
}

/// SMTP through libcurl's easy interface (`smtp://` with STARTTLS per `tls`, or `smtps://`).
///
/// `curl_easy_perform` blocks, so each send runs on this transport's own small thread pool. Credentials
/// come from the URL's user info and are handed to curl separately, so they never appear in error texts.
public final class CurlSMTPTransport: MailTransport {
    private let url: String
    private let username: String?
    private let password: String?
    private let tls: String
    private let timeout: Int
    private let pool: NIOThreadPool

    public init(url smtpURL: String, tls: String, timeoutSeconds: Int = 30, threads: Int = 2) throws {
        guard var components = URLComponents(string: smtpURL), let scheme = components.scheme, ["smtp", "smtps"].contains(scheme),
              components.host != nil
        else { throw MailError.failed(reason: "SMTP_URL is not an smtp:// or smtps:// URL") }
        username = components.user?.removingPercentEncoding
        password = components.password?.removingPercentEncoding
        components.user = nil
        components.password = nil
        url = components.string ?? smtpURL
        self.tls = tls
        self.timeout = timeoutSeconds
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        _ = Self.globalInit
    }

    deinit {
        try? pool.syncShutdownGracefully()
    }

    private static let globalInit: Void = {
        _ = curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    public func send(_ message: EmailMessage, from: String) async throws {
        let payload = MIMEMessage.render(message, from: from)
        let sender = MIMEMessage.address(in: from)
        let recipient = MIMEMessage.address(in: message.to)
        try await pool.runIfActive { [self] in
            try perform(payload: payload, sender: sender, recipient: recipient)
        }
    }

    private func perform(payload: [UInt8], sender: String, recipient: String) throws {
        guard let handle = curl_easy_init() else { throw MailError.failed(reason: "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        let source = UploadSource(payload)
        let sourcePointer = Unmanaged.passRetained(source)
        defer { sourcePointer.release() }
        let recipients = curl_slist_append(nil, "<\(recipient)>")
        defer { curl_slist_free_all(recipients) }

        kisum_curl_setopt_string(handle, CURLOPT_URL, url)
        if let username { kisum_curl_setopt_string(handle, CURLOPT_USERNAME, username) }
        if let password { kisum_curl_setopt_string(handle, CURLOPT_PASSWORD, password) }
        let ssl: curl_usessl
        switch tls {
        case "none": ssl = CURLUSESSL_NONE
        case "opportunistic": ssl = CURLUSESSL_TRY
        default: ssl = CURLUSESSL_ALL
        }
        kisum_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(ssl.rawValue))
        kisum_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(sender)>")
        kisum_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        kisum_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
        kisum_curl_setopt_callback(handle, CURLOPT_READFUNCTION, smtpReadCallback)
        kisum_curl_setopt_pointer(handle, CURLOPT_READDATA, sourcePointer.toOpaque())
        kisum_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        kisum_curl_setopt_long(handle, CURLOPT_TIMEOUT, timeout)
        kisum_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 10)
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            var smtpCode = 0
            kisum_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &smtpCode)
            let reason = String(cString: curl_easy_strerror(code))
            if smtpCode >= 500 { throw MailError.rejected(code: smtpCode, reason: reason) }
            throw MailError.failed(reason: smtpCode > 0 ? "\(reason) (SMTP \(smtpCode))" : reason)
        }
    }
}

/// The message bytes curl uploads; read from a single curl thread.
private final class UploadSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

private let smtpReadCallback: kisum_curl_data_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let source = Unmanaged<UploadSource>.fromOpaque(userdata).takeUnretainedValue()
    let room = size * count
    let remaining = source.bytes.count - source.offset
    let length = min(room, remaining)
    guard length > 0 else { return 0 }
    source.bytes.withUnsafeBufferPointer { bytes in
        buffer.withMemoryRebound(to: UInt8.self, capacity: length) { target in
            target.update(from: bytes.baseAddress! + source.offset, count: length)
        }
    }
    source.offset += length
    return length
}

/// RFC 5322 rendering of an `EmailMessage` (plain text, UTF-8).
enum MIMEMessage {
    static func render(_ message: EmailMessage, from: String) -> [UInt8] {
        let date = Date().formatted(Date.FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
            .weekday(.abbreviated).day(.twoDigits).month(.abbreviated).year(.defaultDigits)
            .hour(.twoDigits(amPM: .omitted)).minute(.twoDigits).second(.twoDigits)
            .locale(Locale(identifier: "en_US_POSIX")))
        let domain = address(in: from).split(separator: "@").last.map(String.init) ?? "kisum.local"
        let headers = [
            "Date: \(date) +0000",
            "From: \(headerSafe(from))",
            "To: \(headerSafe(message.to))",
            "Subject: \(encodedWord(headerSafe(message.subject)))",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        // CRLF line endings; curl performs the SMTP dot-stuffing of lines starting with ".".
        let body = message.text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\r\n")
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
    }

    /// `Kisum <no-reply@kisum.io>` → `no-reply@kisum.io`.
    static func address(in value: String) -> String {
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            return headerSafe(String(value[value.index(after: open)..<close])).trimmingCharacters(in: .whitespaces)
        }
        return headerSafe(value).trimmingCharacters(in: .whitespaces)
    }

    /// Header values never carry line breaks (no header injection).
    static func headerSafe(_ value: String) -> String {
        value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// RFC 2047 encoded word for non-ASCII subjects.
    static func encodedWord(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { !$0.isASCII }) else { return value }
        return "=?UTF-8?B?\(Data(value.utf8).base64EncodedString())?="
    }
}
