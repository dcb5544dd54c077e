import Base
import Finance
import Foundation
import KisumKernel
import KisumRuntime
import KisumTesting
import PlatformCore
import Promoter
import Testing
import Venue

/// Issue 15, "Done when": "Each service serves `/docs`, an interactive documentation page of its contract (Swagger UI
/// […] installed by the deps script […]; nothing fetched from a CDN at run time), reachable through the gateway; a test
/// loads it in headless Chromium (Debian package), waits for the operations to render, and checks that a known
/// operation is on the page."
///
/// Each service runs live with the Swagger UI that `deploy/scripts/install-deps.sh` installed (`.data/swagger-ui`) and
/// Chromium renders its page; what is checked is the DOM Swagger UI built from the contract it fetched, never the
/// HTML the service sent (which holds no operation at all). Chromium resolves no host name, so a page that needed a
/// CDN would show nothing. Missing Chromium or Swagger UI fails (`make test` installs both), it never skips.
@Suite("System: /docs rendered by headless Chromium", .serialized, .timeLimit(.minutes(10)))
struct DocsPageTests {
    static var assets: DocsAssets {
        get throws {
            do {
                return try DocsAssets.load(directory: RepositoryPaths.root + "/.data/swagger-ui")
            } catch {
                throw TestSetupError("\(error)")
            }
        }
    }

    @Test("each service's /docs renders every operation of its contract", arguments: ["platform-core", "base", "venue", "finance", "promoter"])
    func direct(service: String) async throws {
        try #require(HeadlessChromium.executable != nil, "\(HeadlessChromium.missing)")
        let docs = try Self.assets
        try await Self.live(service, docs: docs) { port in
            let dom = try await Self.render("http://127.0.0.1:\(port)/docs", service: service)
            // "Try it out" goes where the page came from, not to the contract's localhost server.
            #expect(dom.contains(#"<option value="http://127.0.0.1:\#(port)">"#), "the server offered is not this service")
        }
    }

    @Test("through the gateway: /venue/docs loads /venue/openapi.yaml and renders it")
    func throughTheGateway() async throws {
        try #require(HeadlessChromium.executable != nil, "\(HeadlessChromium.missing)")
        try #require(NginxInstance.executable != nil, "nginx is not installed: run deploy/scripts/install-deps.sh")
        let docs = try Self.assets
        try await Self.live("venue", docs: docs) { port in
            let gateway = try NginxInstance.gateway(upstreamPort: port)
            defer { gateway.remove() }
            try await gateway.start()
            let dom = try await Self.render("\(gateway.baseURL)/venue/docs", service: "venue")
            #expect(dom.contains(#"<option value="\#(gateway.baseURL)/venue">"#), "Try it out must go through the gateway's /venue/")
        }
    }

    /// The rendered DOM once Swagger UI shows one operation block per operation of the contract (under each of its
    /// tags); checks a known operation (the readiness probe every service has) is among them.
    static func render(_ url: String, service: String) async throws -> String {
        let contract = try String(contentsOfFile: RepositoryPaths.contract(service), encoding: .utf8)
        let operations = try ContractCheck.operations(inContract: contract).operations.values.reduce(0) { $0 + $1.count }
        #expect(operations > 5)
        let dom = try await HeadlessChromium.renderedDOM(url) { dom in
            dom.ranges(of: #"class="opblock opblock-"#).count >= operations
        }
        #expect(dom.ranges(of: #"class="opblock opblock-"#).count == operations)
        #expect(dom.contains(#"id="operations-Health-healthReady""#), "no readiness operation on \(url)")
        #expect(dom.contains(#"data-path="/health/ready""#))
        #expect(dom.contains(#"id="operations-Health-docs""#))
        #expect(!dom.contains("errors-wrapper"), "Swagger UI reported errors on \(url)")
        return dom
    }

    /// `service` running on a loopback port with `docs`, for `body`.
    static func live(_ service: String, docs: DocsAssets, _ body: (Int) async throws -> Void) async throws {
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-docs-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: storage) }
        switch service {
        case "platform-core":
            let settings = PlatformAndVenueTests.platformSettings()
            defer { try? FileManager.default.removeItem(atPath: settings.storageDirectory) }
            try await live(PlatformCoreService.self, settings: settings, docs: docs, body)
        case "base": try await live(BaseService.self, settings: BaseSettings(), docs: docs, body)
        case "venue": try await live(VenueService.self, settings: VenueSettings(storageDirectory: storage), docs: docs, body)
        case "finance": try await live(FinanceService.self, settings: FinanceSettings(), docs: docs, body)
        case "promoter": try await live(PromoterService.self, settings: PromoterSettings(), docs: docs, body)
        default:
            throw TestSetupError("no service \(service)")
        }
    }

    private static func live<S: KisumService>(_ service: S.Type, settings: S.Settings, docs: DocsAssets,
                                              _ body: (Int) async throws -> Void) async throws {
        var runtime = try await S.testRuntime(settings: settings)
        runtime.docs = docs
        try await S.withLive(runtime, body)
    }
}
