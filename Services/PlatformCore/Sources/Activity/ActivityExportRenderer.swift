import Crypto
import Foundation
import KisumKernel

/// Writes an export's rows as CSV (RFC 4180) or JSON (the feed's item shape, snake_case).
enum ActivityExportRenderer {
    static let csvColumns = ["id", "created_at", "action", "entity_type", "entity_id", "description", "user_id", "user_name",
                             "user_email", "actor", "metadata"]

    static func contentType(_ format: String) -> String {
        format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"
    }

    static func fileName(jobID: UUID, format: String, at date: Date) -> String {
        let day = String(RFC3339.string(from: date).prefix(10))
        return "activity-\(day)-\(jobID.uuidString.lowercased().prefix(8)).\(format)"
    }

    static func render(_ items: [ActivityItem], format: String) throws -> [UInt8] {
        if format == "json" { return try JSONCoding.snakeCaseEncoder.encodeBytes(items) }
        var out: [UInt8] = []
        out.reserveCapacity(items.count * 200)
        append(line: csvColumns, to: &out)
        for item in items {
            let metadata = String(decoding: try JSONCoding.encoder.encodeBytes(item.metadata), as: UTF8.self)
            append(line: [item.id.uuidString.lowercased(), RFC3339.string(from: item.createdAt), item.action, item.entityType ?? "",
                          item.entityId ?? "", item.description ?? "", item.userId?.uuidString.lowercased() ?? "",
                          item.userName ?? "", item.userEmail ?? "", item.actor ?? "", metadata], to: &out)
        }
        return out
    }

    static func append(line fields: [String], to out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: cell(field).utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
    }

    /// Quoted when needed; text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is
    /// prefixed with `'`, since descriptions hold names people typed.
    static func cell(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Signed download links: HMAC-SHA256 over the job id and the expiry with a key derived from the server's
/// sealing key (SIGNING_KEY_ENCRYPTION_KEY), so every replica checks the links any replica signed and no new
/// secret is needed. Checked in constant time; an expired link fails before its signature is looked at.
struct ExportLinkSigner: Sendable {
    let key: [UInt8]

    init(settings: PlatformCoreSettings) {
        // A separate key per purpose: the sealing key itself never signs anything a client sees.
        key = Array(HMAC<SHA256>.authenticationCode(for: Array("kisum/activity-export-link/v1".utf8),
                                                    using: SymmetricKey(data: settings.signingKeyEncryptionKey)))
    }

    func signature(jobID: UUID, expires: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("activity-export:\(jobID.uuidString.lowercased()):\(expires)".utf8),
                                                  using: SymmetricKey(data: key))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    func verify(jobID: UUID, expires: Int64, signature: String, now: Date = Date()) -> Bool {
        guard Double(expires) > now.timeIntervalSince1970 else { return false }
        return ConstantTime.equals(signature, self.signature(jobID: jobID, expires: expires))
    }
}
