import Foundation
import Hummingbird
import KisumKernel
import Logging
import NIOCore

/// The Stripe payment-invite flows: someone paid through Stripe Checkout before having an account; the
/// completed Checkout Session id is the invite code in their registration link. The code is the
/// authentication for these routes (they are public), so they are rate limited per address.
struct StripeInviteHandlers {
    let publicLimiter: RateLimiter
    let clients: ClientInfoReader
    let billing: any BillingProvider
    let settings: PlatformCoreSettings
    let signups: SignupService
    let jobs: SignupJobs

    struct InviteDetails: ResponseEncodable {
        var inviteCode: String
        var email: String
        var customerName: String?
        var plan: String?
        var subscriptionStatus: String?
        var trialEndsAt: Date?
        var used: Bool
    }

    struct LookupRequest: ValidatableBody {
        var email: String?
        var accessCode: String?
        func validate(_ v: inout Validator) {
            v.email(email, "email")
            v.text(accessCode, "access_code", required: false, maxLength: 128)
        }
    }

    struct InviteSignupRequest: Decodable {
        var inviteCode: String?
        var email: String?
        var password: String?
        var clerkId: String?
        var fullName: String?
        var companyName: String?
    }

    struct JobStarted: ResponseEncodable {
        var jobId: UUID
        var status: String
        var streamUrl: String
    }

    /// `GET /auth/signup/stripe-invite/{invite_code}`.
    @Sendable func details(_ request: Request, context: PlatformRequestContext) async throws -> InviteDetails {
        try publicLimiter.consume(clients.read(request, context).ip ?? "unknown")
        guard let code = context.parameters.get("invite_code"), code.count <= 255,
              let invite = try await billing.paymentInvite(code: code)
        else { throw Self.notFound }
        return try await describe(invite)
    }

    /// `POST /auth/payment-invite/lookup`: the newest unused paid invite for the e-mail. When the sales flow
    /// stored an access code on the checkout (`metadata.access_code`), the given code must match it.
    @Sendable func lookup(_ request: Request, context: PlatformRequestContext) async throws -> InviteDetails {
        try publicLimiter.consume(clients.read(request, context).ip ?? "unknown")
        let body = try await request.decodeValid(as: LookupRequest.self, context: context)
        let invites = try await billing.paymentInvites(email: EmailAddress.normalize(body.email!))
        for invite in invites {
            if let expected = invite.accessCode, !ConstantTime.equals(expected, body.accessCode ?? "") { continue }
            if try await signups.isRedeemed(invite.code) { continue }
            return try await describe(invite)
        }
        throw Self.notFound
    }

    /// `POST /auth/signup/stripe-invite`: account + workspace linked to the paid subscription, signed in.
    @Sendable func signup(_ request: Request, context: PlatformRequestContext) async throws -> EditedResponse<SignupResult> {
        let client = clients.read(request, context)
        try publicLimiter.consume(client.ip ?? "unknown")
        let input = try await validated(request, context: context)
        return try await signups.signup(invite: input, client: client).created()
    }

    /// `POST /auth/signup/stripe-invite/async`: validates the body, then provisions in the background; the
    /// client follows `stream_url` (Server-Sent Events) until the tokens arrive.
    @Sendable func signupAsync(_ request: Request, context: PlatformRequestContext) async throws -> JobStarted {
        let client = clients.read(request, context)
        try publicLimiter.consume(client.ip ?? "unknown")
        let input = try await validated(request, context: context)
        let id = try await jobs.create()
        let signups = self.signups
        jobs.start(id) { progress in
            try await signups.signup(invite: input, client: client, progress: progress)
        }
        return JobStarted(jobId: id, status: "PENDING",
                          streamUrl: "\(settings.publicAPIURL)/api/v1/auth/signup/jobs/\(id.uuidString.lowercased())/stream")
    }

    /// `GET /auth/signup/jobs/{job_id}/stream`: one `progress` event per change, then `completed` (with the
    /// tokens, delivered once) or `failed`. The job id is the secret; unknown ids answer 404.
    @Sendable func stream(_ request: Request, context: PlatformRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("job_id", what: "signup job")
        let jobs = self.jobs
        guard try await jobs.state(id) != nil else { throw APIError.notFound("signup job") }
        let logger = context.logger
        let body = ResponseBody { writer in
            var last: SignupJobs.State?
            let deadline = ContinuousClock.now + .seconds(600)
            while ContinuousClock.now < deadline {
                guard var state = try await jobs.state(id) else { break }
                if state.stale {
                    state.status = "FAILED"
                    state.errorCode = "job_stalled"
                    state.message = "Provisioning stopped responding; please retry."
                }
                if state != last {
                    last = state
                    var event = Self.event(state)
                    if state.status == "COMPLETED" {
                        if let result = try await jobs.claimResult(id) {
                            event = Self.event(state, result: result)
                        } else {
                            event = Self.event(state, alreadyDelivered: true)
                        }
                    }
                    try await writer.write(ByteBuffer(string: event))
                    if ["COMPLETED", "FAILED"].contains(state.status) { break }
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            logger.debug("signup stream ended", metadata: ["job_id": "\(id)"])
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache, no-store",
            .init("X-Accel-Buffering")!: "no",
        ], body: body)
    }

    // MARK: Pieces

    private func validated(_ request: Request, context: PlatformRequestContext) async throws -> SignupService.InviteSignup {
        let body = try await request.decodeJSON(as: InviteSignupRequest.self, context: context)
        var v = Validator()
        v.text(body.inviteCode, "invite_code", maxLength: 255)
        v.email(body.email, "email", required: false)
        // Clerk users sign in through Clerk: no password is stored for them.
        PasswordPolicy.check(body.password, field: "password", settings: settings.passwords, into: &v, required: body.clerkId == nil)
        v.text(body.clerkId, "clerk_id", required: false, maxLength: 128)
        v.text(body.fullName, "full_name", required: false, maxLength: 200)
        v.text(body.companyName, "company_name", maxLength: 200)
        try v.validate()
        return SignupService.InviteSignup(inviteCode: body.inviteCode!, account: SignupService.Account(
            email: body.email ?? "", password: body.password, fullName: body.fullName, companyName: body.companyName!, clerkID: body.clerkId))
    }

    private func describe(_ invite: PaymentInvite) async throws -> InviteDetails {
        InviteDetails(inviteCode: invite.code, email: invite.email, customerName: invite.customerName, plan: invite.plan,
                      subscriptionStatus: invite.subscriptionStatus, trialEndsAt: invite.trialEndsAt,
                      used: try await signups.isRedeemed(invite.code))
    }

    static let notFound = APIError(.notFound, code: "invite_not_found", message: "No paid invite matches.")

    /// One SSE message: `event: <progress|completed|failed>` and a JSON `data` line.
    static func event(_ state: SignupJobs.State, result: SignupJobs.Result? = nil, alreadyDelivered: Bool = false) -> String {
        var payload: [String: JSONValue] = [
            "status": .string(state.status),
            "progress": .number(Double(state.status == "COMPLETED" ? 100 : state.progress)),
            "current_step": .string(state.currentStep),
        ]
        var resultObject: [String: JSONValue] = ["message": .string(state.message ?? "")]
        if let result {
            resultObject["access_token"] = .string(result.accessToken)
            resultObject["refresh_token"] = result.refreshToken.map(JSONValue.string) ?? .null
            resultObject["token_type"] = .string(result.tokenType)
            resultObject["expires_in"] = .number(Double(result.expiresIn))
            resultObject["user_id"] = .string(result.userId.uuidString.lowercased())
            resultObject["workspace_id"] = .string(result.workspaceId.uuidString.lowercased())
            resultObject["workspace_name"] = .string(result.workspaceName)
        } else if state.status == "COMPLETED" {
            if let workspace = state.workspaceID { resultObject["workspace_id"] = .string(workspace.uuidString.lowercased()) }
            if let name = state.workspaceName { resultObject["workspace_name"] = .string(name) }
            if alreadyDelivered { resultObject["message"] = .string("Completed; the tokens were already delivered. Sign in to continue.") }
        }
        payload["result"] = .object(resultObject)
        if let code = state.errorCode { payload["error"] = .object(["code": .string(code), "message": .string(state.message ?? "")]) }
        let name = state.status == "COMPLETED" ? "completed" : state.status == "FAILED" ? "failed" : "progress"
        let data = (try? JSONCoding.encoder.encode(JSONValue.object(payload))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "event: \(name)\ndata: \(data)\n\n"
    }
}
