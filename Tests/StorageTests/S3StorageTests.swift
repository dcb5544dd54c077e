import Foundation
import KisumServiceClient
import KisumStorage
import KisumTesting
import Testing

/// Issue 14: "uploads go through one storage abstraction (local disk by default, S3-compatible over HTTP when
/// configured)". The S3 backend is checked against a fake S3 that recomputes every Signature V4 itself.
@Suite("Object storage")
struct S3StorageTests {
    /// AWS's documented example ("GET Object", Signature Version 4 header authentication).
    @Test func signatureMatchesAWSDocumentedExample() {
        let signer = SignatureV4(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
        let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(SignatureV4.payloadHash([UInt8]()) == emptyHash)
        let authorization = signer.authorization(
            method: "GET", canonicalURI: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"), ("x-amz-content-sha256", emptyHash),
                      ("x-amz-date", "20130524T000000Z")],
            payloadHash: emptyHash, amzDate: "20130524T000000Z")
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(SignatureV4.timestamps(Date(timeIntervalSince1970: 1_369_353_600)).amzDate == "20130524T000000Z")
        #expect(SignatureV4.uriEncode("a b/c~d", keepSlash: true) == "a%20b/c~d")
    }

    @Test func s3StoragePutsGetsAndDeletesSignedObjects() async throws {
        let server = FakeS3Server()
        try await server.run { port in
            let storage = try #require(S3Storage(configuration: Self.configuration(server, port: port)))
            let bytes = Data("%PDF-1.7 signed".utf8)
            try await storage.put(key: "files/company/one.pdf", data: bytes, contentType: "application/pdf")
            #expect(server.object("files/company/one.pdf")?.bytes == [UInt8](bytes))
            #expect(server.object("files/company/one.pdf")?.contentType == "application/pdf")
            #expect(try await storage.get(key: "files/company/one.pdf") == bytes)
            #expect(try await storage.get(key: "files/company/missing") == nil)
            try await storage.delete(key: "files/company/one.pdf")
            #expect(server.keys.isEmpty)
            #expect(try await storage.get(key: "files/company/one.pdf") == nil)
            #expect(server.refused == ["NoSuchKey", "NoSuchKey"], "every request was signed correctly")
        }
    }

    @Test func s3StorageUnderAnEndpointPrefixSignsThePathItSends() async throws {
        // A store behind a path prefix (a proxy's /s3): the fake does not know the prefix, so it refuses the bucket —
        // but only after the signature over the prefixed path checked out.
        let server = FakeS3Server()
        try await server.run { port in
            var configuration = Self.configuration(server, port: port)
            configuration.endpoint += "/s3/"
            let storage = try #require(S3Storage(configuration: configuration))
            await #expect(throws: ServiceClientError.self) { try await storage.put(key: "a", data: Data("x".utf8), contentType: "text/plain") }
            #expect(server.refused == ["NoSuchBucket"])
        }
    }

    @Test func theFakeRefusesWrongSecretsUnknownKeysAndTamperedBodies() async throws {
        let server = FakeS3Server()
        try await server.run { port in
            var wrongSecret = Self.configuration(server, port: port)
            wrongSecret.secretKey = "not-the-secret"
            let refused = try #require(S3Storage(configuration: wrongSecret))
            await #expect(throws: ServiceClientError.self) { try await refused.put(key: "k", data: Data("x".utf8), contentType: "text/plain") }
            await #expect(throws: ServiceClientError.self) { _ = try await refused.get(key: "k") }

            var unknownKey = Self.configuration(server, port: port)
            unknownKey.accessKey = "AKIDUNKNOWN"
            await #expect(throws: ServiceClientError.self) {
                try await #require(S3Storage(configuration: unknownKey)).put(key: "k", data: Data("x".utf8), contentType: "text/plain")
            }

            // The body is changed after signing: the signature still matches the headers, the hash no longer the body.
            let tampering = try #require(S3Storage(configuration: Self.configuration(server, port: port), transport: TamperingTransport()))
            await #expect(throws: ServiceClientError.self) { try await tampering.put(key: "k", data: Data("x".utf8), contentType: "text/plain") }

            #expect(server.refused == ["SignatureDoesNotMatch", "SignatureDoesNotMatch", "InvalidAccessKeyId", "XAmzContentSHA256Mismatch"])
            #expect(server.keys.isEmpty)
        }
    }

    @Test func unreachableAndMisconfiguredStoresFailWithoutNamingTheEndpoint() async throws {
        #expect(S3Storage(configuration: S3Configuration(endpoint: "ftp://store", bucket: "b", region: "r", accessKey: "a", secretKey: "s")) == nil)
        #expect(S3Storage(configuration: S3Configuration(endpoint: "http://store", bucket: "", region: "r", accessKey: "a", secretKey: "s")) == nil)
        let closed = try #require(S3Storage(configuration: S3Configuration(endpoint: "http://127.0.0.1:9", bucket: "b", region: "r",
                                                                          accessKey: "a", secretKey: "s", timeout: .seconds(2))))
        do {
            try await closed.put(key: "k", data: Data("x".utf8), contentType: "text/plain")
            Issue.record("a closed port accepted the upload")
        } catch let error as ServiceClientError {
            #expect(error.service == "object storage")
        }
        #expect(!"\(S3Configuration(endpoint: "http://s", bucket: "b", region: "r", accessKey: "a", secretKey: "TOPSECRET"))".contains("TOPSECRET"))
    }

    @Test func localDiskStorageRoundTripsAndRefusesUnsafeKeys() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-storage-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = LocalDiskStorage(directory: directory)
        try await storage.put(key: "files/a/b.txt", data: Data("hello".utf8), contentType: "text/plain")
        #expect(try await storage.get(key: "files/a/b.txt") == Data("hello".utf8))
        #expect(FileManager.default.fileExists(atPath: directory + "/files/a/b.txt"))
        try await storage.delete(key: "files/a/b.txt")
        #expect(try await storage.get(key: "files/a/b.txt") == nil)
        for key in ["../escape", "/etc/passwd", "a//b", "a/./b", "a b", "", "ä"] {
            #expect(!ObjectKey.isValid(key), "\(key)")
            await #expect(throws: (any Error).self) { try await storage.put(key: key, data: Data("x".utf8), contentType: "text/plain") }
        }
    }

    static func configuration(_ server: FakeS3Server, port: Int) -> S3Configuration {
        S3Configuration(endpoint: "http://127.0.0.1:\(port)", bucket: server.bucket, region: server.region, accessKey: server.accessKey,
                        secretKey: "kisum-test-secret/key+value", timeout: .seconds(5))
    }
}

/// Sends what it is given with one byte of the body changed.
struct TamperingTransport: HTTPTransport {
    func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        var changed = request
        if var body = changed.body, !body.isEmpty {
            body[0] ^= 0xFF
            changed.body = body
        }
        return try await CurlTransport.shared.send(changed)
    }
}
