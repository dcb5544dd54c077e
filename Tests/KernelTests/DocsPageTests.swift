import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 15: every service serves `/docs`, its contract in Swagger UI, from files installed with it. What the kernel's
/// routes answer, with stand-in files; the page rendered by a real browser is `Tests/SystemTests/DocsPageTests.swift`.
@Suite("Documentation page routes")
struct DocsPageRouteTests {
    static let css = "/* stand-in swagger-ui.css */ .swagger-ui { color: black }\n"
    static let bundle = "/* stand-in swagger-ui-bundle.js */ window.SwaggerUIBundle = function () {};\n"

    /// A folder with the two Swagger UI files, removed afterwards.
    static func withAssetsFolder(_ body: (String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-docs-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try css.write(toFile: folder + "/swagger-ui.css", atomically: true, encoding: .utf8)
        try bundle.write(toFile: folder + "/swagger-ui-bundle.js", atomically: true, encoding: .utf8)
        try "secret".write(toFile: folder + "/LICENSE", atomically: true, encoding: .utf8)
        try await body(folder)
    }

    static func withApp(docs: DocsAssets?, _ body: @escaping @Sendable (APITestClient) async throws -> Void) async throws {
        let router = Router<ServiceRequestContext>.kisum()
        router.addKernelRoutes(service: "kernel-test", contract: "openapi: 3.1.0\n", docs: docs) {}
        try await Application(router: router).test(.router) { client in try await body(APITestClient(client)) }
    }

    @Test("without Swagger UI's files the service still serves, and /docs says why with a 503")
    func notInstalled() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-no-docs-\(UUID().uuidString.prefix(8))").path
        #expect(throws: DocsAssetsError.self) { try DocsAssets.load(directory: folder) }
        do {
            _ = try DocsAssets.load(directory: folder)
        } catch {
            #expect(error.missing == ["swagger-ui-bundle.js", "swagger-ui.css"])
            #expect(error.description.contains("install-deps.sh"))
        }
        try await Self.withApp(docs: nil) { api in
            for uri in ["/docs", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/init.js"] {
                let response = try await api.get(uri)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                #expect(response.errorCode == "docs_not_installed", "\(uri)")
            }
            #expect(try await api.get("/docs/LICENSE").status == .notFound)
            #expect(try await api.get("/openapi.yaml").status == .ok)
            #expect(try await api.get("/health/live").status == .ok)
        }
    }

    @Test("the page loads only its own files and the contract, relative to itself, under a strict policy")
    func page() async throws {
        try await Self.withAssetsFolder { folder in
            let docs = try DocsAssets.load(directory: folder)
            try await Self.withApp(docs: docs) { api in
                let page = try await api.get("/docs")
                #expect(page.status == .ok)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.headers[.cacheControl] == "no-cache")
                let policy = try #require(page.headers[.contentSecurityPolicy])
                #expect(policy.contains("default-src 'none'"))
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-eval"))
                #expect(policy.contains("connect-src 'self'"))
                let html = page.text
                // Relative to the page: `/docs` → `/docs/…`, `/venue/docs` → `/venue/docs/…` behind the gateway.
                let version = try #require(html.firstMatch(of: /docs\/swagger-ui\.css\?v=([0-9a-f]{16})/)?.1)
                #expect(html.contains(#"<script src="docs/swagger-ui-bundle.js?v=\#(version)"></script>"#))
                #expect(html.contains(#"<script src="docs/init.js?v=\#(version)"></script>"#))
                #expect(html.ranges(of: "<script").count == 2, "no inline script")
                #expect(!html.contains("http:") && !html.contains("https:") && !html.contains("//"), "no absolute or CDN URL")

                let start = try await api.get("/docs/init.js")
                #expect(start.status == .ok)
                #expect(start.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(start.text.contains(#"here + "/openapi.yaml""#))
                #expect(start.text.contains("validatorUrl: null"), "the contract must never go to validator.swagger.io")

                let again = try await api.request(.get, "/docs", headers: [.ifNoneMatch: try #require(page.headers[.eTag])])
                #expect(again.status == .notModified)
            }
        }
    }

    @Test("files: the allow-list only, exact bytes and types, cached for good only under the page's version")
    func files() async throws {
        try await Self.withAssetsFolder { folder in
            let docs = try DocsAssets.load(directory: folder)
            try await Self.withApp(docs: docs) { api in
                let html = try await api.get("/docs").text
                let version = try #require(html.firstMatch(of: /\?v=([0-9a-f]{16})/)?.1)

                let css = try await api.get("/docs/swagger-ui.css?v=\(version)")
                #expect(css.status == .ok)
                #expect(css.text == Self.css)
                #expect(css.headers[.contentType] == "text/css; charset=utf-8")
                #expect(css.headers[.cacheControl] == "public, max-age=31536000, immutable")
                #expect(css.headers[.xContentTypeOptions] == "nosniff")
                let bundle = try await api.get("/docs/swagger-ui-bundle.js")
                #expect(bundle.text == Self.bundle)
                #expect(bundle.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(bundle.headers[.cacheControl] == "no-cache", "without the current version it is revalidated")
                #expect(try await api.get("/docs/swagger-ui-bundle.js?v=0000000000000000").headers[.cacheControl] == "no-cache")
                let etag = try #require(bundle.headers[.eTag])
                #expect(try await api.request(.get, "/docs/swagger-ui-bundle.js", headers: [.ifNoneMatch: etag]).status == .notModified)
                #expect(try await api.request(.get, "/docs/swagger-ui-bundle.js", headers: [.ifNoneMatch: "\"other\""]).status == .ok)

                // Anything else in the folder, or outside it, is never served.
                for uri in ["/docs/LICENSE", "/docs/VERSION", "/docs/..%2Fopenapi.yaml", "/docs/%2e%2e", "/docs/swagger-ui.css.map",
                            "/docs/index.html", "/docs/swagger-ui.CSS", "/docs/..", "/docs/a/b"] {
                    let response = try await api.get(uri)
                    #expect(response.status == .notFound, "\(uri) → \(response.status)")
                    #expect(!response.text.contains("secret"))
                }
            }
        }
    }

    @Test("/docs/ sends the browser to ../docs, so the page's relative URLs resolve (directly and behind a prefix)")
    func trailingSlash() async throws {
        try await Self.withAssetsFolder { folder in
            try await Self.withApp(docs: try DocsAssets.load(directory: folder)) { api in
                let response = try await api.get("/docs/")
                #expect(response.status == .movedPermanently)
                #expect(response.headers[.location] == "../docs")
                // What a browser makes of it, directly and behind the gateway.
                #expect(URL(string: "../docs", relativeTo: URL(string: "http://h/docs/"))?.absoluteURL.path == "/docs")
                #expect(URL(string: "../docs", relativeTo: URL(string: "http://h/venue/docs/"))?.absoluteURL.path == "/venue/docs")
            }
        }
    }

    @Test("DOCS_ASSETS_DIR, by default .data/swagger-ui under KISUM_RESOURCES_DIR (where install-deps.sh puts it)")
    func setting() {
        var env = EnvironmentReader(["KISUM_RESOURCES_DIR": "/app"])
        #expect(KernelSettings.load(service: "x", defaultPort: 1, needsPlatformCore: false, from: &env).docsAssetsDirectory
            == "/app/.data/swagger-ui")
        env = EnvironmentReader(["KISUM_RESOURCES_DIR": "/app", "DOCS_ASSETS_DIR": "/srv/swagger-ui"])
        #expect(KernelSettings.load(service: "x", defaultPort: 1, needsPlatformCore: false, from: &env).docsAssetsDirectory
            == "/srv/swagger-ui")
    }
}
