import Foundation
import KisumPersistence

/// Each handler and workflow built from the shared pieces, with only what it uses; `buildRouter` hands
/// them to the routes types. Workflows used by several groups (signups, resets, invitations, removal)
/// are built here once, so every group runs the same one.
extension PlatformServices {
    var signups: SignupService {
        SignupService(passwords: passwords, database: database, users: users, workspaces: workspaces, tokens: tokens,
                      settings: settings, billing: billing, logger: logger, singleUseTokens: singleUseTokens, outbox: outbox,
                      emails: emails)
    }

    var passwordResets: PasswordResets {
        PasswordResets(singleUseTokens: singleUseTokens, outbox: outbox, emails: emails)
    }

    var avatars: AvatarHandlers {
        AvatarHandlers(database: database, storage: storage, settings: settings, users: users)
    }

    var impersonation: ImpersonationHandlers {
        ImpersonationHandlers(users: users, settings: settings, database: database, singleUseTokens: singleUseTokens,
                              clients: clients, tokens: tokens, workspaces: workspaces)
    }

    var invitations: InvitationHandlers {
        let service = InvitationService(logger: logger, database: database, users: users, workspaces: workspaces, settings: settings,
                                        singleUseTokens: singleUseTokens, outbox: outbox, emails: emails)
        let acceptance = InvitationAcceptance(logger: logger, database: database, passwords: passwords, singleUseTokens: singleUseTokens,
                                              users: users, workspaces: workspaces, tokens: tokens, notifier: notifier)
        return InvitationHandlers(database: database, access: access, publicLimiter: publicLimiter, clients: clients, settings: settings,
                                  service: service, acceptance: acceptance)
    }

    var authRoutes: AuthRoutes {
        AuthRoutes(
            login: LoginHandlers(clients: clients, loginLimiter: loginLimiter, settings: settings, users: users, passwords: passwords,
                                 tokens: tokens, workspaces: workspaces),
            registration: RegistrationHandlers(publicLimiter: publicLimiter, clients: clients, settings: settings, passwords: passwords,
                                               database: database, users: users, singleUseTokens: singleUseTokens, outbox: outbox,
                                               emails: emails, signups: signups),
            activation: ActivationHandlers(singleUseTokens: singleUseTokens, users: users, workspaces: workspaces, settings: settings,
                                           passwords: passwords, clients: clients, database: database, tokens: tokens, access: access,
                                           outbox: outbox, emails: emails),
            resets: PasswordResetHandlers(resets: passwordResets, publicLimiter: publicLimiter, clients: clients, settings: settings,
                                          database: database, users: users, singleUseTokens: singleUseTokens, passwords: passwords,
                                          tokens: tokens, outbox: outbox, emails: emails),
            invites: StripeInviteHandlers(publicLimiter: publicLimiter, clients: clients, billing: billing, settings: settings,
                                          signups: signups, jobs: SignupJobs(database: database, logger: logger, settings: settings)),
            clerk: ClerkHandlers(settings: settings, directory: clerk, clients: clients, database: database, users: users, tokens: tokens,
                                 workspaces: workspaces),
            impersonation: impersonation,
            profile: ProfileHandlers(users: users, workspaces: workspaces, access: access, database: database, settings: settings,
                                     passwords: passwords, clients: clients, tokens: tokens, outbox: outbox, emails: emails,
                                     singleUseTokens: singleUseTokens),
            avatars: avatars)
    }

    var workspacesRoutes: WorkspacesRoutes {
        WorkspacesRoutes(
            workspaces: WorkspaceHandlers(workspaces: workspaces, database: database, access: access),
            provisioning: ProvisionHandlers(users: users, settings: settings, database: database, workspaces: workspaces,
                                            singleUseTokens: singleUseTokens, outbox: outbox, emails: emails, signups: signups),
            invitations: invitations,
            resets: MemberPasswordResetHandlers(settings: settings, database: database, access: access, users: users,
                                                workspaces: workspaces, resets: passwordResets))
    }

    var membersRoutes: MembersRoutes {
        let removal = MemberRemoval(database: database, workspaces: workspaces, storage: storage, notifier: notifier)
        return MembersRoutes(
            members: MemberHandlers(database: database, workspaces: workspaces, avatars: avatars, notifier: notifier),
            mine: MyMemberHandlers(database: database),
            offboarding: OffboardingHandlers(database: database, workspaces: workspaces, access: access, removal: removal),
            invitations: invitations)
    }

    var internalRoutes: InternalRoutes {
        InternalRoutes(access: access, apiKeys: apiKeys,
                       outboxEmails: OutboxEmailRepository(database: database, smtpConfigured: settings.mail.smtpURL != nil),
                       keys: keys, impersonation: impersonation)
    }
}
