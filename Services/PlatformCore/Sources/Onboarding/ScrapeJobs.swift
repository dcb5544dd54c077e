import Foundation
import KisumKernel
import KisumPersistence
import KisumServiceClient
import Logging

/// Limits of website scrapes (`SCRAPE_*`): the page is fetched over libcurl through `OutboundURLGuard`, so private,
/// link-local and metadata addresses are refused before and after every redirect; `allowLoopback` is for
/// development and tests only (a page served on 127.0.0.1).
public struct ScrapeSettings: Sendable {
    public var allowLoopback = false
    public var timeout: Duration = .seconds(10)
    public var maxBytes = 2 * 1024 * 1024
    public var maxRedirects = 3
    /// Open scrapes per workspace at once (409 `too_many_scrapes` beyond).
    public var maxOpenPerWorkspace = 3
    public init() {}
}

/// Runs a scrape in a task of the instance that accepted it; the row holds the progress (polling, SSE) and the
/// result. A job whose instance died stops updating and reads as failed (`job_stalled`) after `staleAfter`.
struct ScrapeJobs: Sendable {
    let database: Database
    let logger: Logger
    let settings: ScrapeSettings
    let transport: any HTTPTransport
    var repository: ScrapeJobRepository { ScrapeJobRepository(database: database) }
    var onboarding: CompanyOnboardingRepository { CompanyOnboardingRepository(database: database) }
    var urlGuard: OutboundURLGuard { OutboundURLGuard(allowLoopback: settings.allowLoopback) }

    /// Longer than any fetch can take (every hop's timeout), so a live job is never called stalled.
    var staleAfter: TimeInterval {
        Double(settings.timeout.components.seconds) * Double(settings.maxRedirects + 1) + 60
    }

    /// A failure the job reports with a stable code.
    struct Failure: Error {
        var code: String
        var message: String
    }

    func start(_ id: UUID, workspaceID: UUID, url: String) {
        let jobs = self
        Task {
            do {
                let result = try await jobs.run(id, workspaceID: workspaceID, url: url)
                let text = try SQLText.json(result) ?? "{}"
                try await jobs.database.transaction { connection in
                    try await jobs.repository.complete(id, workspaceID: workspaceID, result: text, on: connection)
                    try await jobs.onboarding.completeStep(workspaceID: workspaceID, step: "website", on: connection)
                }
            } catch let failure as Failure {
                try? await jobs.repository.fail(id, workspaceID: workspaceID, code: failure.code, message: failure.message)
            } catch {
                jobs.logger.error("website scrape failed", metadata: ["task_id": "\(id)", "error": "\(String(reflecting: error))"])
                try? await jobs.repository.fail(id, workspaceID: workspaceID, code: "scrape_failed", message: "The website could not be analysed.")
            }
        }
    }

    func run(_ id: UUID, workspaceID: UUID, url: String) async throws -> JSONValue {
        try await repository.progress(id, workspaceID: workspaceID, progress: 10, stage: "fetching", message: "Fetching \(url)")
        let (response, finalURL, visited) = try await fetch(url)
        try await repository.progress(id, workspaceID: workspaceID, progress: 60, stage: "extracting", message: "Reading the page")
        let facts = HTMLExtractor.extract(response.body, baseURL: URL(string: finalURL))
        return Self.result(facts, url: url, finalURL: finalURL, visited: visited, status: response.status)
    }

    /// GET with redirects followed by hand (at most `maxRedirects`), each hop checked and pinned by the guard.
    func fetch(_ start: String) async throws -> (OutboundResponse, String, [String]) {
        var current = start
        var visited: [String] = []
        for _ in 0...settings.maxRedirects {
            visited.append(current)
            var request = OutboundRequest(method: "GET", url: current,
                                          headers: [("User-Agent", "KisumOnboarding/1.0 (+company context)"),
                                                    ("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")],
                                          timeout: settings.timeout, connectTimeout: .seconds(5))
            request.maxResponseBytes = settings.maxBytes
            let pinned: OutboundRequest
            do {
                pinned = try await urlGuard.pin(request)
            } catch {
                throw Failure(code: "url_not_allowed", message: "\(error)")
            }
            let response: OutboundResponse
            do {
                response = try await transport.send(pinned)
            } catch is ResponseTooLargeError {
                throw Failure(code: "page_too_large", message: "The page is larger than \(settings.maxBytes) bytes.")
            } catch let error as ServiceClientError {
                switch error {
                case .timeout: throw Failure(code: "fetch_timeout", message: "The website did not answer in time.")
                default: throw Failure(code: "fetch_failed", message: "The website could not be reached.")
                }
            }
            if (300..<400).contains(response.status), let location = response.header("Location"),
               let next = URL(string: location, relativeTo: URL(string: current))?.absoluteURL.absoluteString {
                current = next
                continue
            }
            guard (200..<300).contains(response.status) else {
                throw Failure(code: "fetch_failed", message: "The website answered HTTP \(response.status).")
            }
            if let type = response.header("Content-Type")?.lowercased(), !type.contains("html"), !type.contains("xml") {
                throw Failure(code: "not_html", message: "The page is not HTML (\(type.prefix(100))).")
            }
            return (response, current, visited)
        }
        throw Failure(code: "too_many_redirects", message: "More than \(settings.maxRedirects) redirects.")
    }

    /// The stored result: extracted fields with a confidence per field (1 = read from a dedicated tag, 0.6 = from a
    /// fallback such as og:title, 0 = not found), the source URLs and the links.
    static func result(_ facts: PageFacts, url: String, finalURL: String, visited: [String], status: Int) -> JSONValue {
        let descriptionConfidence: Double = facts.description == nil ? 0 : 1
        let titleConfidence: Double = facts.title == nil ? 0 : 1
        return .object([
            "url": .string(url),
            "final_url": .string(finalURL),
            "http_status": .number(Double(status)),
            "source_urls": .texts(visited),
            "company_context": .object([
                "name": .text(facts.siteName ?? facts.title),
                "title": .text(facts.title),
                "description": .text(facts.description),
                "website": .string(finalURL),
            ]),
            "confidence": .object([
                "title": .number(titleConfidence),
                "description": .number(descriptionConfidence),
                "name": .number(facts.siteName != nil ? 1 : facts.title != nil ? 0.6 : 0),
            ]),
            "links": .array(facts.links.map { .object(["url": .string($0.url), "text": .string($0.text)]) }),
            "link_count": .number(Double(facts.links.count)),
        ])
    }
}
