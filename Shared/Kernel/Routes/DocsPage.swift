import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// What `/docs` serves: Swagger UI's script and style sheet (PyPI's `swagger-ui-bundle-v2`, which
/// `deploy/scripts/install-deps.sh` puts in `.data/swagger-ui`; the image carries its own copy) and the page's own
/// start script. Read once when the service starts (about 1.7 MB, kept in memory), so no request touches the disk and
/// nothing is ever loaded from a CDN.
public struct DocsAssets: Sendable {
    /// The Swagger UI files the page needs, as the deps script names them in its folder.
    public static let bundleFiles = ["swagger-ui-bundle.js", "swagger-ui.css"]

    struct File: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
    }

    /// The only files `/docs/{file}` serves (the contract's enum): a name is looked up, never joined to a path.
    let files: [String: File]
    /// A digest of every file, appended to the page's asset URLs (`?v=`): a new Swagger UI gets new URLs, so the
    /// files themselves can be cached for good.
    let version: String

    /// Reads Swagger UI's files from `directory`; throws `DocsAssetsError` naming what is missing.
    public static func load(directory: String) throws(DocsAssetsError) -> DocsAssets {
        var files: [String: File] = [:]
        var missing: [String] = []
        for name in bundleFiles {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)"), !data.isEmpty else {
                missing.append(name)
                continue
            }
            files[name] = file(data, name: name)
        }
        if !missing.isEmpty { throw DocsAssetsError(directory: directory, missing: missing) }
        files["init.js"] = file(Data(DocsPage.initScript.utf8), name: "init.js")
        let version = digest(Data(files.keys.sorted().compactMap { files[$0]?.etag }.joined().utf8))
        return DocsAssets(files: files, version: String(version.prefix(16)))
    }

    static func file(_ data: Data, name: String) -> File {
        let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
        return File(body: ByteBuffer(bytes: data), contentType: type, etag: etag(data))
    }

    /// A strong entity tag: the first 128 bits of the SHA-256, quoted.
    static func etag(_ data: Data) -> String { "\"\(digest(data).prefix(32))\"" }

    static func digest(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

public struct DocsAssetsError: Error, CustomStringConvertible, Sendable {
    public var directory: String
    public var missing: [String]

    public var description: String {
        "Swagger UI is not installed in \(directory) (missing \(missing.joined(separator: ", "))): "
            + "run deploy/scripts/install-deps.sh or set DOCS_ASSETS_DIR; /docs answers 503 docs_not_installed"
    }
}

/// `GET /docs` and `GET /docs/{file}`.
///
/// Every URL the page uses is relative to the page itself (`docs/…` for its files, `openapi.yaml` for the contract),
/// so one page works wherever the service is mounted: `/docs` loads `/openapi.yaml` directly and `/venue/docs` loads
/// `/venue/openapi.yaml` through the gateway, which strips the prefix. The page has no inline script, and its
/// Content-Security-Policy lets it load and call only its own origin.
enum DocsPage {
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data:", "font-src 'self' data:",
        // Swagger UI (React) sets style attributes; styles cannot run code.
        "style-src 'self' 'unsafe-inline'",
        "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static func notInstalled() -> APIError {
        APIError.unavailable("docs_not_installed",
                             "The documentation page is not installed on this service (Swagger UI's files are missing); its contract is at openapi.yaml.")
    }

    static func html(service: String, version: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Kisum \(service) API</title>
        <link rel="stylesheet" href="docs/swagger-ui.css?v=\(version)">
        </head>
        <body>
        <noscript>This page needs JavaScript; the contract itself is at <a href="openapi.yaml">openapi.yaml</a>.</noscript>
        <div id="swagger-ui"></div>
        <script src="docs/swagger-ui-bundle.js?v=\(version)"></script>
        <script src="docs/init.js?v=\(version)"></script>
        </body>
        </html>

        """
    }

    /// Starts Swagger UI on the contract next to the page. The contract names its service's local address as its
    /// server; "Try it out" goes to the address the page was reached at instead (the same origin, and through the
    /// gateway its prefix), which is also all the page's policy lets it call.
    static let initScript = """
        // Kisum /docs: Swagger UI over this service's contract (Shared/Kernel/Routes/DocsPage.swift).
        (function () {
          "use strict";
          // The folder the page is in: http://host/ directly, http://host/venue/ through the gateway.
          var here = new URL(".", window.location.href).href.replace(/\\/$/, "");
          var declared = null;
          var servers = null;

          function ServerHere(system) {
            return {
              statePlugins: {
                spec: {
                  wrapSelectors: {
                    servers: function (original) {
                      return function () {
                        var listed = original.apply(null, arguments);
                        if (declared === null && listed && listed.size) declared = listed.getIn([0, "url"]);
                        if (servers === null) {
                          servers = system.Im.fromJS([{ url: here, description: "this service, where this page was loaded from" }]);
                        }
                        return servers;
                      };
                    }
                  }
                }
              }
            };
          }

          window.ui = SwaggerUIBundle({
            url: here + "/openapi.yaml",
            dom_id: "#swagger-ui",
            deepLinking: true,
            // Never send the contract to validator.swagger.io.
            validatorUrl: null,
            presets: [SwaggerUIBundle.presets.apis],
            plugins: [ServerHere],
            layout: "BaseLayout",
            requestInterceptor: function (request) {
              if (declared && request.url.indexOf(declared) === 0) {
                request.url = here + request.url.slice(declared.replace(/\\/$/, "").length);
              }
              return request;
            }
          });
        })();

        """

    static func add<Context: KisumRequestContext>(to router: Router<Context>, service: String, assets: DocsAssets?) {
        let page = assets.map { Data(html(service: service, version: $0.version).utf8) }
        let pageBody = page.map { ByteBuffer(bytes: $0) }
        let pageTag = page.map(DocsAssets.etag)
        router.get("/docs") { request, _ -> Response in
            // `/docs/` would resolve the page's relative URLs one folder too deep; send it to `/docs` (relative, so
            // the gateway's prefix is kept).
            if request.uri.path.hasSuffix("/") {
                return Response(status: .movedPermanently, headers: [.location: "../docs"])
            }
            guard let pageBody, let pageTag else { throw notInstalled() }
            let headers: HTTPFields = [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .eTag: pageTag,
                .contentSecurityPolicy: contentSecurityPolicy, .xContentTypeOptions: "nosniff",
            ]
            if request.headers[.ifNoneMatch] == pageTag { return Response(status: .notModified, headers: headers) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: pageBody))
        }
        router.get("/docs/{file}") { request, context -> Response in
            let name = context.parameters.get("file") ?? ""
            guard name == "init.js" || DocsAssets.bundleFiles.contains(name) else { throw APIError.notFound("documentation file") }
            guard let assets, let file = assets.files[name] else { throw notInstalled() }
            // Asked for by the current page (its `?v=`): never changes, cache it for good. Otherwise revalidate.
            let current = request.uri.queryParameters["v"].map { String($0) == assets.version } ?? false
            let headers: HTTPFields = [
                .contentType: file.contentType, .eTag: file.etag, .xContentTypeOptions: "nosniff",
                .cacheControl: current ? "public, max-age=31536000, immutable" : "no-cache",
            ]
            if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
        }
    }
}
