import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPersistence
import KisumServiceClient
import NIOCore

/// Website scrapes of company onboarding (`/api/v1/onboarding/company/scrape…`). Starting one is for admins and owners
/// (`workspace.update` narrows; it makes the server fetch a URL); progress, result and stream need `workspace.read`.
/// The URL is checked before the job exists (a private, link-local or metadata address → 422 `url_not_allowed`), and
/// again, pinned, before every fetch (DNS may answer differently later; redirects may point inside).
struct ScrapeHandlers {
    let jobs: ScrapeJobs
    let publicAPIURL: String

    struct StartBody: ValidatableBody {
        var url: String?

        func validate(_ v: inout Validator) {
            v.text(url, "url", maxLength: 2048)
        }
    }

    /// `POST /scrape` `{url}` → `{task_id, status, …}`; the fetch runs in the background.
    @Sendable func start(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let scope = try context.adminTenant(Permission.workspaceUpdate)
        let body = try await request.decodeValid(as: StartBody.self, context: context)
        var url = (body.url ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // "example.com" is what people type; the scheme is the only thing added.
        if !url.contains("://") { url = "https://" + url }
        do {
            _ = try await jobs.urlGuard.check(url)
        } catch {
            throw Self.refusal(error)
        }
        let repository = jobs.repository
        if try await repository.openCount(workspaceID: scope.companyID, staleAfter: jobs.staleAfter) >= jobs.settings.maxOpenPerWorkspace {
            throw APIError.conflict("too_many_scrapes", "\(jobs.settings.maxOpenPerWorkspace) scrapes are already running; wait for one to finish.")
        }
        let id = try await repository.create(workspaceID: scope.companyID, userID: scope.userID, url: url)
        jobs.start(id, workspaceID: scope.companyID, url: url)
        let base = "\(publicAPIURL)/api/v1/onboarding/company/scrape/\(id.uuidString.lowercased())"
        return OnboardingAnswer(.object([
            "task_id": .uuid(id), "status": "PENDING", "url": .string(url),
            "progress_url": .string("\(base)/progress"), "result_url": .string("\(base)/result"), "stream_url": .string("\(base)/stream"),
        ]))
    }

    static func refusal(_ error: OutboundURLRefusal) -> APIError {
        switch error.reason {
        case .forbiddenAddress:
            APIError.validation(field: "url", code: "url_not_allowed", message: "The URL points at a private or reserved address.")
        case .unresolvable:
            APIError.validation(field: "url", code: "url_unresolvable", message: "The URL's host does not resolve.")
        case .malformed, .scheme, .userInfo:
            APIError.validation(field: "url", code: "invalid_url", message: "Must be a plain http(s) URL without credentials.")
        }
    }

    /// `GET /scrape/{task_id}/progress`.
    @Sendable func progress(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        OnboardingAnswer(Self.progressJSON(try await job(context)))
    }

    /// `GET /scrape/{task_id}/result`: the result once completed; still running → 409 `scrape_not_finished`;
    /// failed → 409 `scrape_failed` (its `error_code` in `info`).
    @Sendable func result(_ request: Request, context: PlatformRequestContext) async throws -> OnboardingAnswer {
        let job = try await job(context)
        switch job.status {
        case "COMPLETED":
            guard case .object(var object) = job.result else { return OnboardingAnswer(Self.progressJSON(job)) }
            object["task_id"] = .uuid(job.id)
            object["status"] = .string(job.status)
            object["completed_at"] = .date(job.finishedAt)
            return OnboardingAnswer(.object(object))
        case "FAILED":
            throw APIError.conflict("scrape_failed", job.message ?? "The scrape failed.", info: ["error_code": .text(job.errorCode)])
        default:
            throw APIError.conflict("scrape_not_finished", "The scrape is still running; follow its progress or stream.")
        }
    }

    /// `GET /scrape/{task_id}/stream`: Server-Sent Events — `progress` on every change, then `completed` (with the
    /// result) or `failed`, then the stream ends. Read from the row, so any replica can serve it.
    @Sendable func stream(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let first = try await job(context)
        let scope = try context.tenant(permission: Permission.workspaceRead)
        let jobs = self.jobs
        let body = ResponseBody { writer in
            var last: ScrapeJobRepository.Job? = nil
            var current: ScrapeJobRepository.Job? = first
            let deadline = ContinuousClock.now + .seconds(300)
            while let job = current.map(Self.settled), ContinuousClock.now < deadline {
                if job != last {
                    last = job
                    let name = job.status == "COMPLETED" ? "completed" : job.status == "FAILED" ? "failed" : "progress"
                    var payload = Self.progressJSON(job)
                    if job.status == "COMPLETED", case .object(var object) = payload {
                        object["result"] = job.result
                        payload = .object(object)
                    }
                    let data = String(decoding: try JSONCoding.encoder.encode(payload), as: UTF8.self)
                    try await writer.write(ByteBuffer(string: "event: \(name)\ndata: \(data)\n\n"))
                    if name != "progress" { break }
                }
                try await Task.sleep(for: .milliseconds(250))
                current = try await jobs.repository.find(job.id, workspaceID: scope.companyID, staleAfter: jobs.staleAfter)
            }
            try await writer.finish(nil)
        }
        var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache, no-store"]
        // Tells nginx not to buffer the stream.
        if let accel = HTTPField.Name("X-Accel-Buffering") { headers[accel] = "no" }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The caller's workspace's job (another workspace's id, or not a UUID → 404 `not_found`).
    func job(_ context: PlatformRequestContext) async throws -> ScrapeJobRepository.Job {
        let scope = try context.tenant(permission: Permission.workspaceRead)
        let id = try context.parameters.uuid("task_id", what: "scrape task")
        guard let job = try await jobs.repository.find(id, workspaceID: scope.companyID, staleAfter: jobs.staleAfter) else {
            throw APIError.notFound("scrape task")
        }
        return Self.settled(job)
    }

    /// A job whose runner stopped updating reads as failed.
    static func settled(_ job: ScrapeJobRepository.Job) -> ScrapeJobRepository.Job {
        guard job.stale else { return job }
        var failed = job
        failed.status = "FAILED"
        failed.errorCode = "job_stalled"
        failed.message = "The scrape stopped responding; start it again."
        return failed
    }

    static func progressJSON(_ job: ScrapeJobRepository.Job) -> JSONValue {
        .object([
            "task_id": .uuid(job.id), "url": .string(job.url), "status": .string(job.status), "progress": .number(Double(job.progress)),
            "stage": .string(job.stage), "message": .text(job.message), "error_code": .text(job.errorCode),
            "created_at": .date(job.createdAt), "updated_at": .date(job.updatedAt), "finished_at": .date(job.finishedAt),
        ])
    }
}
