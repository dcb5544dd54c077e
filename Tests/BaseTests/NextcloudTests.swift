import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 14: "Nextcloud is a WebDAV client over libcurl (PROPFIND, GET, PUT), tested against a real WebDAV server
/// started in the test" — nginx with the WebDAV modules, behind basic auth, at Nextcloud's DAV path.
@Suite("Base Nextcloud")
struct NextcloudTests {
    static let permissions = [BasePermission.integrationsRead, BasePermission.integrationsWrite]

    func withNextcloud(_ settings: NextcloudSettings?, files: FilesSettings = FilesSettings(),
                       _ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(files: files, nextcloud: settings))
        try await harness.withTwoCompanies(permissions: Self.permissions, module: BasePermission.module, body)
    }

    @Test(.enabled(if: WebDAVServer.runnable, Comment(rawValue: WebDAVServer.missing)))
    func listsUploadsAndDownloadsAgainstARealWebDAVServer() async throws {
        let dav = try WebDAVServer()
        try dav.write("Contracts/deal.pdf", Samples.pdf)
        try dav.write("Riders/.keep", [])
        try dav.write("notes.txt", Array("load-in at 16:00\n".utf8))
        try dav.write("Weird name #1?.txt", Array("odd but fine\n".utf8))
        try dav.write("big.txt", Array(repeating: 0x61, count: 6000))
        try await dav.run {
            let settings = NextcloudSettings(url: dav.url + "/", user: dav.user, appPassword: dav.password, timeout: .seconds(5))
            try await withNextcloud(settings, files: FilesSettings(maxBytes: 4096)) { t in
                let api = t.a
                let root = try await api.get("/api/nextcloud/files")
                #expect(try await api.get("/api/nextcloud/files?path=").json == root.json, "empty is the root")
                #expect(root.status == .ok)
                let names = (root.json["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
                #expect(names == ["Contracts", "Riders", "big.txt", "notes.txt", "Weird name #1?.txt"], "folders first, then by name")
                #expect(root.json["total"] == 5)
                let notes = try #require(root.json["items"]?.arrayValue?.first { $0["name"] == "notes.txt" })
                #expect(notes["path"] == "notes.txt")
                #expect(notes["isDirectory"] == false)
                #expect(notes["size"] == 17)
                #expect(notes["modifiedAt"]?.stringValue != nil)
                let contracts = try #require(root.json["items"]?[0])
                #expect(contracts["isDirectory"] == true)
                #expect(contracts["size"] == .null)
                let paged = try await api.get("/api/nextcloud/files?page=2&limit=2")
                #expect((paged.json["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } == ["big.txt", "notes.txt"])

                let folder = try await api.get("/api/nextcloud/files?path=Contracts")
                #expect(folder.json["items"]?[0]?["path"] == "Contracts/deal.pdf")
                #expect(folder.json["items"]?[0]?["size"] == .number(Double(Samples.pdf.count)))
                #expect(folder.json["total"] == 1)

                // PUT: sniffed like every upload, the destination percent-encoded segment by segment.
                let uploaded = try await api.postForm("/api/nextcloud/files/upload", [.file(Samples.pdf, fileName: "x.txt"),
                                                                                      .text("path", "Contracts/new deal #2.pdf")])
                #expect(uploaded.status == .created)
                #expect(uploaded.json["path"] == "Contracts/new deal #2.pdf")
                #expect(uploaded.json["name"] == "new deal #2.pdf")
                #expect(uploaded.json["size"] == .number(Double(Samples.pdf.count)))
                #expect(dav.read("Contracts/new deal #2.pdf") == Samples.pdf)

                let download = try await api.get("/api/nextcloud/files/download?path=Contracts/new%20deal%20%232.pdf")
                #expect(download.status == .ok)
                #expect(download.headers[.contentType] == "application/pdf")
                #expect(Array(download.body.readableBytesView) == Samples.pdf)
                let weird = try await api.get("/api/nextcloud/files/download?path=Weird%20name%20%231%3F.txt")
                #expect(weird.text == "odd but fine\n")
                #expect(weird.headers[.contentType] == "text/plain")

                // Upstream answers mapped.
                #expect(try await api.get("/api/nextcloud/files?path=Missing").status == .notFound)
                #expect(try await api.get("/api/nextcloud/files/download?path=Contracts/missing.pdf").status == .notFound)
                let orphan = try await api.postForm("/api/nextcloud/files/upload", [.file(Samples.pdf), .text("path", "Nope/x.pdf")])
                #expect(orphan.status == .conflict)
                let big = try await api.get("/api/nextcloud/files/download?path=big.txt")
                #expect(big.status == .unprocessableContent)
                #expect(big.json["error"]?["details"]?[0]?["code"] == "file_too_large")

                // Refused before Nextcloud is asked.
                for bad in ["..%2Fetc", "%2Fabsolute", "a%2F%2Fb", "Contracts%2F..%2F..%2Fx", "a%5Cb"] {
                    let answer = try await api.get("/api/nextcloud/files?path=\(bad)")
                    #expect(answer.status == .unprocessableContent, "\(bad)")
                    #expect(answer.errorFields == ["path"])
                }
                #expect(try await api.get("/api/nextcloud/files/download").status == .badRequest)
                #expect(try await api.get("/api/nextcloud/files/download?path=").status == .unprocessableContent)
                let exe = try await api.postForm("/api/nextcloud/files/upload", [.file(Samples.elf), .text("path", "run.pdf")])
                #expect(exe.status == .unsupportedMediaType)
                #expect(dav.read("run.pdf") == nil)
                #expect(try await api.postForm("/api/nextcloud/files/upload", [.file(Samples.pdf)]).errorFields == ["path"])
                #expect(try await api.postForm("/api/nextcloud/files/upload", [.file(Samples.pdf), .text("path", "../x.pdf")]).errorFields == ["path"])

                // Permissions: reading needs basic.integrations.read, uploading .write.
                let reader = t.a(permissions: [BasePermission.integrationsRead])
                #expect(try await reader.get("/api/nextcloud/files").status == .ok)
                #expect(try await reader.postForm("/api/nextcloud/files/upload", [.file(Samples.pdf), .text("path", "r.pdf")]).status == .forbidden)
                let outsider = t.a(permissions: [BasePermission.eventsRead])
                #expect(try await outsider.get("/api/nextcloud/files").status == .forbidden)
                #expect(try await outsider.get("/api/nextcloud/files/download?path=notes.txt").status == .forbidden)
            }
        }
    }

    @Test(.enabled(if: WebDAVServer.runnable, Comment(rawValue: WebDAVServer.missing)))
    func aRefusedAccountIsABadGateway() async throws {
        let dav = try WebDAVServer()
        try await dav.run {
            let settings = NextcloudSettings(url: dav.url, user: dav.user, appPassword: "wrong", timeout: .seconds(5))
            try await withNextcloud(settings) { t async throws in
                let answer = try await t.a.get("/api/nextcloud/files")
                #expect(answer.status == .badGateway)
                #expect(answer.errorCode == "nextcloud_rejected")
                #expect(try await t.a.get("/api/nextcloud/files/download?path=a.txt").errorCode == "nextcloud_rejected")
            }
        }
    }

    @Test func notConfiguredIsProviderNotConfigured() async throws {
        try await withNextcloud(nil) { t in
            for answer in [try await t.a.get("/api/nextcloud/files"), try await t.a.get("/api/nextcloud/files/download?path=a.txt"),
                           try await t.a.postForm("/api/nextcloud/files/upload", [.file(Samples.pdf), .text("path", "a.pdf")])] {
                #expect(answer.status == .serviceUnavailable)
                #expect(answer.errorCode == "provider_not_configured")
            }
        }
    }

    @Test func aSlowOrBrokenServerIsUnavailable() async throws {
        try await ScriptedNextcloud(delay: .seconds(3)).run { port in
            let settings = NextcloudSettings(url: "http://127.0.0.1:\(port)", user: "u", appPassword: "p", timeout: .seconds(1))
            try await withNextcloud(settings) { t async throws in
                let answer = try await t.a.get("/api/nextcloud/files")
                #expect(answer.status == .serviceUnavailable)
                #expect(answer.errorCode == "nextcloud_timeout")
            }
        }
        try await ScriptedNextcloud().run { port in
            let settings = NextcloudSettings(url: "http://127.0.0.1:\(port)", user: "u", appPassword: "p", timeout: .seconds(5))
            try await withNextcloud(settings) { t async throws in
                #expect(try await t.a.get("/api/nextcloud/files").errorCode == "nextcloud_invalid_response")
            }
        }
        try await ScriptedNextcloud(status: .internalServerError).run { port in
            let settings = NextcloudSettings(url: "http://127.0.0.1:\(port)", user: "u", appPassword: "p", timeout: .seconds(5))
            try await withNextcloud(settings) { t async throws in
                #expect(try await t.a.get("/api/nextcloud/files").errorCode == "nextcloud_unavailable")
            }
        }
    }
}
