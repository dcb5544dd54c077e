import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumStorage
import KisumTesting
import NIOCore

/// One multipart part: a file when `fileName` is set, else a text field.
struct FormPart: Sendable {
    var name: String
    var fileName: String?
    var bytes: [UInt8]

    static func file(_ bytes: [UInt8], name: String = "file", fileName: String = "upload.bin") -> FormPart {
        FormPart(name: name, fileName: fileName, bytes: bytes)
    }

    static func text(_ name: String, _ value: String) -> FormPart { FormPart(name: name, fileName: nil, bytes: Array(value.utf8)) }
}

extension APITestClient {
    /// POST `parts` as multipart/form-data; the declared part type is always a lie (`application/x-lie`), so a test
    /// passes only if the server looked at the bytes.
    func postForm(_ path: String, _ parts: [FormPart], contentType: String? = nil) async throws -> TestResponse {
        let boundary = "kisum-files-boundary"
        var body = ByteBuffer()
        for part in parts {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"")
            if let fileName = part.fileName { body.writeString("; filename=\"\(fileName)\"\r\nContent-Type: application/x-lie") }
            body.writeString("\r\n\r\n")
            body.writeBytes(part.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers: HTTPFields = [.contentType: contentType ?? "multipart/form-data; boundary=\(boundary)"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let org { headers[.xOrg] = org }
        return try await client.execute(uri: path, method: .post, headers: headers, body: body)
    }
}

enum Samples {
    static let pdf: [UInt8] = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 64)
    static let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]

    static func sha256(_ bytes: [UInt8]) -> String { ContentDigest.sha256Hex(bytes) }
}
