import Crypto
import Foundation

/// AWS Signature Version 4 for one request (header form, `AWS4-HMAC-SHA256`), as every S3-compatible store
/// (AWS, MinIO, Ceph, R2 …) checks it. Pure: the caller supplies the time, so the known answers of AWS's
/// documentation can be tested.
public struct SignatureV4: Sendable {
    public var accessKey: String
    public var secretKey: String
    public var region: String
    public var service: String

    public init(accessKey: String, secretKey: String, region: String, service: String = "s3") {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
        self.service = service
    }

    /// Hex SHA-256 of the payload (`x-amz-content-sha256`); S3 wants the real hash for a signed body.
    public static func payloadHash(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: Data(bytes)))
    }

    /// `20130524T000000Z` and `20130524` in UTC.
    public static func timestamps(_ date: Date) -> (amzDate: String, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        let day = "\(c.year ?? 1970)\(two(c.month))\(two(c.day))"
        return ("\(day)T\(two(c.hour))\(two(c.minute))\(two(c.second))Z", day)
    }

    /// The `Authorization` header for a request whose `headers` (including `host`, `x-amz-date` and
    /// `x-amz-content-sha256`) are all signed. `canonicalURI` is the path as sent, already percent-encoded.
    public func authorization(method: String, canonicalURI: String, query: [(String, String)] = [],
                              headers: [(String, String)], payloadHash: String, amzDate: String) -> String {
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let encodedQuery: [(String, String)] = query.map { pair in (Self.uriEncode(pair.0), Self.uriEncode(pair.1)) }
        let sortedQuery = encodedQuery.sorted { a, b in a.0 == b.0 ? a.1 < b.1 : a.0 < b.0 }
        let canonicalQuery = sortedQuery.map { pair in pair.0 + "=" + pair.1 }.joined(separator: "&")
        let requestLines: [String] = [method.uppercased(), canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash]
        let canonicalRequest = requestLines.joined(separator: "\n")
        let requestHash: String = Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))
        let signLines: [String] = ["AWS4-HMAC-SHA256", amzDate, scope, requestHash]
        let stringToSign = signLines.joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secretKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return "AWS4-HMAC-SHA256 Credential=\(accessKey)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// Lower-case names, values with runs of spaces folded, sorted by name: `name:value\n…` and `a;b;c`.
    static func canonicalHeaders(_ headers: [(String, String)]) -> (String, String) {
        let normalized = headers.map { header -> (String, String) in
            let value = header.1.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
                .joined(separator: " ")
            return (header.0.lowercased(), value)
        }.sorted { $0.0 < $1.0 }
        return (normalized.map { "\($0.0):\($0.1)\n" }.joined(), normalized.map(\.0).joined(separator: ";"))
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 specifies.
    public static func uriEncode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(UnicodeScalar(byte))
            case 0x2F where keepSlash: out.append("/")
            default:
                let digits = Array("0123456789ABCDEF")
                out.append("%")
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }
}

/// Hex SHA-256 of stored bytes, for records that let a client check what it got back.
public enum ContentDigest {
    public static func sha256Hex(_ bytes: some DataProtocol) -> String { SignatureV4.payloadHash(bytes) }
}
