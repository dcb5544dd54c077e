import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence

/// `POST /auth/clerk/check-user`: called by the frontend server after a Clerk sign-in, authenticated by
/// the shared `X-Clerk-Secret` (compared in constant time). It never creates users: unknown people get
/// `{"exists": false}` and go through payment/signup first.
///
/// With CLERK_API_KEY set, the Clerk user id is confirmed with Clerk's Backend API and the e-mail must be
/// one Clerk verified for that user — the request body alone is then not trusted. Without it, the shared
/// secret is the only proof (the frontend server verified the Clerk session).
struct ClerkHandlers {
    let settings: PlatformCoreSettings
    let directory: (any ClerkDirectory)?
    let clients: ClientInfoReader
    let database: Database
    let users: UserRepository
    let tokens: TokenService
    let workspaces: WorkspaceRepository

    struct CheckRequest: ValidatableBody {
        var clerkId: String?
        var email: String?
        var firstName: String?
        var lastName: String?

        func validate(_ v: inout Validator) {
            v.text(clerkId, "clerk_id", maxLength: 128)
            v.email(email, "email")
            v.text(firstName, "first_name", required: false, maxLength: 100)
            v.text(lastName, "last_name", required: false, maxLength: 100)
        }
    }

    struct CheckResponse: ResponseEncodable {
        var exists: Bool
        var accessToken: String?
        var refreshToken: String?
        var tokenType: String?
        var expiresIn: Int?
        var sessionId: UUID?
        var user: User?
        var workspaces: [WorkspaceMembershipSummary]?
    }

    static let secretInvalid = APIError(.unauthorized, code: "clerk_secret_invalid", message: "X-Clerk-Secret is missing or wrong.")

    @Sendable func checkUser(_ request: Request, context: PlatformRequestContext) async throws -> CheckResponse {
        // A caller without the secret learns nothing about this deployment's configuration: 401 first.
        guard let presented = request.headers[.xClerkSecret], !presented.isEmpty else { throw Self.secretInvalid }
        guard let clerk = settings.clerk else { throw APIError.providerNotConfigured("clerk") }
        guard ConstantTime.equals(presented, clerk.sharedSecret) else { throw Self.secretInvalid }
        let body = try await request.decodeValid(as: CheckRequest.self, context: context)
        let clerkID = body.clerkId!
        let email = EmailAddress.normalize(body.email!)
        if let directory {
            guard let clerkUser = try await directory.user(id: clerkID) else {
                throw APIError.unauthenticated("clerk_user_unknown", "Clerk does not know this user.")
            }
            guard clerkUser.verifiedEmails.contains(email) else {
                throw APIError.unauthenticated("clerk_email_unverified", "Clerk has not verified this e-mail for this user.")
            }
        }
        let client = clients.read(request, context)
        let found = try await database.transaction { connection -> (User, StartedSession)? in
            var user = try await users.find(clerkID: clerkID, on: connection)
            if user == nil { user = try await users.find(email: email, on: connection) }
            guard var user else { return nil }
            if user.status == User.Status.disabled { throw APIError.forbidden("account_disabled", "This account is disabled.") }
            try await users.linkClerk(userID: user.id, clerkID: clerkID, on: connection)
            // Clerk confirmed the address (sign-in through it), so a pending account becomes active.
            try await users.activate(userID: user.id, on: connection)
            user = try await users.find(id: user.id, on: connection).orNotFound("user")
            return (user, try await tokens.startSession(userID: user.id, client: client, on: connection))
        }
        guard let (user, session) = found else { return CheckResponse(exists: false) }
        let pair = try await tokens.pair(for: session, userID: user.id, email: user.email)
        try await users.recordLogin(userID: user.id)
        return CheckResponse(exists: true, accessToken: pair.accessToken, refreshToken: pair.refreshToken, tokenType: pair.tokenType,
                             expiresIn: pair.expiresIn, sessionId: pair.sessionId, user: user,
                             workspaces: try await workspaces.memberships(userID: user.id))
    }
}
