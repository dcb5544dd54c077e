import Foundation
import Hummingbird
import KisumKernel
import KisumServiceClient

/// Company Onboarding and User Onboarding (`/api/v1/onboarding/…`, jwt+org).
struct OnboardingRoutes {
    let company: CompanyOnboardingHandlers
    let scrape: ScrapeHandlers
    let user: UserOnboardingHandlers

    /// Built from the shared services with what each handler uses.
    static func make(_ core: PlatformServices, transport: any HTTPTransport = CurlTransport.shared) -> OnboardingRoutes {
        let jobs = ScrapeJobs(database: core.database, logger: core.logger, settings: core.settings.scrape, transport: transport)
        return OnboardingRoutes(company: CompanyOnboardingHandlers(database: core.database, workspaces: core.workspaces),
                                scrape: ScrapeHandlers(jobs: jobs, publicAPIURL: core.settings.publicAPIURL),
                                user: UserOnboardingHandlers(database: core.database, users: core.users, workspaces: core.workspaces))
    }

    func addRoutes(to groups: PlatformRouteGroups) {
        let companyAPI = groups.tenant("/api/v1/onboarding/company")
        companyAPI.get("status", use: company.status)
        companyAPI.post("start", use: company.start)
        companyAPI.put("context", use: company.updateContext)
        companyAPI.post("goals", use: company.saveGoals)
        companyAPI.post("skip-step", use: company.skipStep)
        companyAPI.post("complete", use: company.complete)
        companyAPI.get("context-health", use: company.contextHealth)
        companyAPI.post("scrape", use: scrape.start)
        companyAPI.get("scrape/{task_id}/progress", use: scrape.progress)
        companyAPI.get("scrape/{task_id}/result", use: scrape.result)
        companyAPI.get("scrape/{task_id}/stream", use: scrape.stream)

        let userAPI = groups.tenant("/api/v1/onboarding/user")
        userAPI.get("status", use: user.status)
        userAPI.get("prefill", use: user.prefill)
        userAPI.get("profile-health", use: user.profileHealth)
        userAPI.post("identity", use: user.identity)
        userAPI.post("role", use: user.role)
        userAPI.post("personality", use: user.personality)
        userAPI.post("preferences", use: user.preferences)
        userAPI.post("skip-step", use: user.skipStep)
        userAPI.post("complete", use: user.complete)
    }
}
