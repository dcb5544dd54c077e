import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumStorage
import KisumTesting
import NIOCore
import PostgresNIO
import Testing

/// Issue 14: "Files and Nextcloud: uploads go through one storage abstraction (local disk by default, S3-compatible
/// over HTTP when configured) with size and type limits checked by content, not by name."
@Suite("Base files")
struct FilesTests {
    static let permissions = [BasePermission.eventsRead, BasePermission.eventsWrite]

    func withFiles(_ settings: BaseSettings = BaseSettings(), _ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: settings)
        try await harness.withTwoCompanies(permissions: Self.permissions, module: BasePermission.module, body)
    }

    @Test func uploadIsSniffedStoredOnDiskAndReadBack() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-files-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withFiles(BaseSettings(files: FilesSettings(backend: .local(directory: directory)))) { t in
            let event = try await t.insertOpsEvent("Rider night", on: "2027-05-01")
            let uploaded = try await t.a.postForm("/api/files/upload", [.file(Samples.pdf, fileName: "../riders/Rider v2.png"),
                                                                        .text("eventId", event.uuidString)])
            #expect(uploaded.status == .created)
            #expect(uploaded.json["name"] == "Rider v2.png")
            #expect(uploaded.json["contentType"] == "application/pdf", "the bytes decide, not the .png name or the declared type")
            #expect(uploaded.json["size"] == .number(Double(Samples.pdf.count)))
            #expect(uploaded.json["sha256"] == .string(Samples.sha256(Samples.pdf)))
            #expect(uploaded.json["eventId"]?.uuid == event)
            #expect(uploaded.json["storageKey"] == nil)
            let id = try #require(uploaded.json["id"]?.uuid)
            let stored = "\(directory)/files/\(t.companyA.uuidString.lowercased())/\(id.uuidString.lowercased())"
            #expect(FileManager.default.contents(atPath: stored) == Data(Samples.pdf))

            let record = try await t.a.get("/api/files/\(id)")
            #expect(record.status == .ok)
            #expect(record.json == uploaded.json)
            let content = try await t.a.get("/api/files/\(id)/content")
            #expect(content.status == .ok)
            #expect(content.headers[.contentType] == "application/pdf")
            #expect(content.headers[.contentDisposition] == "attachment; filename*=UTF-8''Rider%20v2%2Epng")
            #expect(Array(content.body.readableBytesView) == Samples.pdf)

            let loose = try await t.a.postForm("/api/files/upload", [.file(Array("title,date\nShow,2027-05-01\n".utf8), fileName: "")])
            #expect(loose.status == .created)
            #expect(loose.json["contentType"] == "text/csv")
            #expect(loose.json["name"] == "file.csv")
            #expect(loose.json["eventId"] == .null)

            // Another company's ids are 404 everywhere.
            #expect(try await t.b.get("/api/files/\(id)").status == .notFound)
            #expect(try await t.b.get("/api/files/\(id)/content").status == .notFound)
            #expect(try await t.a.get("/api/files/\(UUID())").status == .notFound)
            #expect(try await t.a.get("/api/files/not-a-uuid").status == .notFound)
            let foreignEvent = try await t.b.postForm("/api/files/upload", [.file(Samples.pdf), .text("eventId", event.uuidString)])
            #expect(foreignEvent.status == .unprocessableContent)
            #expect(foreignEvent.errorFields == ["eventId"])
        }
    }

    @Test func typeAndSizeAreCheckedOnTheContent() async throws {
        try await withFiles(BaseSettings(files: FilesSettings(maxBytes: 4096, allowedTypes: [.pdf, .png]))) { t in
            let api = t.a
            #expect(try await api.postForm("/api/files/upload", [.file(Samples.png, fileName: "logo.png")]).status == .created)
            let exe = try await api.postForm("/api/files/upload", [.file(Samples.elf, fileName: "invoice.pdf")])
            #expect(exe.status == .unsupportedMediaType)
            #expect(exe.errorCode == "unsupported_file_type")
            let text = try await api.postForm("/api/files/upload", [.file(Array("plain words".utf8), fileName: "scan.pdf")])
            #expect(text.errorCode == "unsupported_file_type", "text is known but not allowed by these settings")
            let big = try await api.postForm("/api/files/upload", [.file(Samples.pdf + Array(repeating: 0x20, count: 4096))])
            #expect(big.status == .contentTooLarge)
            #expect(big.errorCode == "file_too_large")
            let huge = try await api.postForm("/api/files/upload", [.file(Samples.pdf + Array(repeating: 0x20, count: 200_000))])
            #expect(huge.errorCode == "file_too_large", "refused while reading, before the whole body is kept")
        }
    }

    @Test func malformedInvalidAndForbiddenUploads() async throws {
        try await withFiles { t in
            let api = t.a
            #expect(try await api.postForm("/api/files/upload", [.file([])]).errorFields == ["file"])
            #expect(try await api.postForm("/api/files/upload", [.text("eventId", UUID().uuidString)]).errorFields == ["file"])
            // An empty eventId is no event id either (the part was sent: leaving it out is how to say "none").
            #expect(try await api.postForm("/api/files/upload", [.file(Samples.pdf), .text("eventId", "")]).errorFields == ["eventId"])
            let badEvent = try await api.postForm("/api/files/upload", [.file(Samples.pdf), .text("eventId", "nope")])
            #expect(badEvent.status == .unprocessableContent)
            #expect(badEvent.errorFields == ["eventId"])
            #expect(try await api.postForm("/api/files/upload", [.file(Samples.pdf)], contentType: "application/json").status == .unsupportedMediaType)
            #expect(try await api.postForm("/api/files/upload", [.file(Samples.pdf)], contentType: "multipart/form-data; boundary=other").status == .badRequest)

            let id = try #require(try await api.postForm("/api/files/upload", [.file(Samples.pdf)]).json["id"]?.uuid)
            let reader = t.a(permissions: [BasePermission.eventsRead])
            #expect(try await reader.get("/api/files/\(id)").status == .ok)
            #expect(try await reader.postForm("/api/files/upload", [.file(Samples.pdf)]).status == .forbidden)
            let nobody = t.a(permissions: [BasePermission.tasksRead])
            #expect(try await nobody.get("/api/files/\(id)").status == .forbidden)
            #expect(try await nobody.get("/api/files/\(id)/content").status == .forbidden)
        }
    }

    /// With `FILES_STORAGE=s3` the same upload lands in the S3-compatible store, signed (the fake checks every signature).
    @Test func uploadsGoToS3WhenConfigured() async throws {
        let s3 = FakeS3Server()
        try await s3.run { port in
            let configuration = S3Configuration(endpoint: "http://127.0.0.1:\(port)", bucket: s3.bucket, region: s3.region,
                                                accessKey: s3.accessKey, secretKey: "kisum-test-secret/key+value", timeout: .seconds(5))
            try await withFiles(BaseSettings(files: FilesSettings(backend: .s3(configuration)))) { t in
                let uploaded = try await t.a.postForm("/api/files/upload", [.file(Samples.png, fileName: "logo.png")])
                #expect(uploaded.status == .created)
                let id = try #require(uploaded.json["id"]?.uuid)
                let key = "files/\(t.companyA.uuidString.lowercased())/\(id.uuidString.lowercased())"
                #expect(s3.object(key)?.bytes == Samples.png)
                #expect(s3.object(key)?.contentType == "image/png")
                #expect(Array(try await t.a.get("/api/files/\(id)/content").body.readableBytesView) == Samples.png)
                #expect(s3.refused.isEmpty)
            }
        }
    }

    @Test func anUnreachableStoreIsAServiceProblemAndLeavesNoRecord() async throws {
        let closed = S3Configuration(endpoint: "http://127.0.0.1:9", bucket: "b", region: "r", accessKey: "a", secretKey: "s", timeout: .seconds(2))
        try await withFiles(BaseSettings(files: FilesSettings(backend: .s3(closed)))) { t in
            let failed = try await t.a.postForm("/api/files/upload", [.file(Samples.pdf)])
            #expect(failed.status == .serviceUnavailable)
            #expect(!failed.text.contains("127.0.0.1"))
            let count = try await t.harness.database.query("SELECT count(*)::int FROM files").first { try $0.decode(Int.self) }
            #expect(count == 0)
        }
    }
}
