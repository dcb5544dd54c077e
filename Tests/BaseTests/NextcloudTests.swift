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
            let settings = NextcloudSettings(url: dav.url + "/", user: dav.user, appPassword: dav.password, timeout: .seconds(30))
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
            let settings = NextcloudSettings(url: dav.url, user: dav.user, appPassword: "wrong", timeout: .seconds(30))
            try await withNextcloud(settings) { t async throws in
                let answer = try await t.a.get("/api/nextcloud/files")
                #expect(answer.status == .badGateway)
                #expect(answer.errorCode == "nextcloud_rejected")
                #expect(try await t.a.get("/api/nextcloud/files/download?path=a.txt").errorCode == "nextcloud_rejected")
            }
        }
    }

    /// What a real Nextcloud (Sabre) answers: `d:` prefixes, extra namespaces, quoted etags, a 404 propstat for the
    /// properties a folder lacks, hrefs as paths or full URLs, a server under a path prefix, a user name to escape.
    @Test func readsNextcloudShapedMultistatus() async throws {
        let body = """
            <?xml version="1.0"?>
            <d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns">
             <d:response><d:href>/nc/remote.php/dav/files/bob%40example.com/Shows/</d:href>
              <d:propstat><d:prop><d:getlastmodified>Tue, 01 Dec 2026 10:00:00 GMT</d:getlastmodified><d:resourcetype><d:collection/></d:resourcetype>
               <d:getetag>&quot;6567a&quot;</d:getetag><oc:size>48213</oc:size></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
              <d:propstat><d:prop><d:getcontentlength/><d:getcontenttype/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
             </d:response>
             <d:response><d:href>http://cloud.example.com/nc/remote.php/dav/files/bob%40example.com/Shows/Setlist%202027.pdf</d:href>
              <d:propstat><d:prop><d:getlastmodified>Wed, 02 Dec 2026 11:30:15 GMT</d:getlastmodified><d:getcontentlength>48213</d:getcontentlength>
               <d:resourcetype/><d:getetag>&quot;a1b2c3&quot;</d:getetag><d:getcontenttype>application/pdf</d:getcontenttype></d:prop>
               <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
             </d:response>
             <d:response><d:href>/nc/remote.php/dav/files/bob%40example.com/Shows/Archive/</d:href>
              <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
             </d:response>
             <d:response><d:href>/elsewhere/secret.txt</d:href>
              <d:propstat><d:prop><d:getcontentlength>1</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
             </d:response>
            </d:multistatus>
            """
        let server = ScriptedNextcloud(body: body)
        try await server.run { port in
            let settings = NextcloudSettings(url: "http://127.0.0.1:\(port)/nc", user: "bob@example.com", appPassword: "s3cret", timeout: .seconds(30))
            try await withNextcloud(settings) { t async throws in
                let listing = try await t.a.get("/api/nextcloud/files?path=Shows")
                #expect(listing.status == .ok)
                #expect(listing.json["total"] == 2, "the folder itself and the href outside the account are left out")
                let folder = try #require(listing.json["items"]?[0])
                #expect(folder["path"] == "Shows/Archive")
                #expect(folder["isDirectory"] == true)
                #expect(folder["modifiedAt"] == .null)
                let file = try #require(listing.json["items"]?[1])
                #expect(file["name"] == "Setlist 2027.pdf")
                #expect(file["path"] == "Shows/Setlist 2027.pdf")
                #expect(file["isDirectory"] == false)
                #expect(file["size"] == 48213)
                #expect(file["contentType"] == "application/pdf")
                #expect(file["modifiedAt"] == "2026-12-02T11:30:15.000Z")
                #expect(file["etag"] == "a1b2c3")
            }
        }
        let basic = "Basic " + Data("bob@example.com:s3cret".utf8).base64EncodedString()
        #expect(server.recorder.all == ["PROPFIND /nc/remote.php/dav/files/bob%40example.com/Shows/ 1 \(basic)"])
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
            let settings = NextcloudSettings(url: "http://127.0.0.1:\(port)", user: "u", appPassword: "p", timeout: .seconds(30))
            try await withNextcloud(settings) { t async throws in
                #expect(try await t.a.get("/api/nextcloud/files").errorCode == "nextcloud_invalid_response")
            }
        }
        try await ScriptedNextcloud(status: .internalServerError).run { port in
            let settings = NextcloudSettings(url: "http://127.0.0.1:\(port)", user: "u", appPassword: "p", timeout: .seconds(30))
            try await withNextcloud(settings) { t async throws in
                #expect(try await t.a.get("/api/nextcloud/files").errorCode == "nextcloud_unavailable")
            }
        }
    }
}
