/// Permission names Platform Core seeds for the Base module (`basic.<feature>.read` / `.write`, the spec's
/// "basic.* permissions", listed in Platform Core's `0002_catalog.sql`). Reference data (countries, regions,
/// genres) needs none: every member of a company with Base enabled reads it.
public enum BasePermission {
    /// The module gate every tenant route of Base sits behind: Platform Core's module `basic`.
    public static let module = "basic"

    /// Artists and everything hanging off one (contacts, platforms, history, bio, predictions) and the
    /// company's own roster: the catalog has no separate roster or artist-contact permission.
    public static let artistsRead = "basic.artists.read"
    public static let artistsWrite = "basic.artists.write"
    /// Agencies with their team and roster.
    public static let agenciesRead = "basic.agencies.read"
    public static let agenciesWrite = "basic.agencies.write"
    /// Companies' business metadata (never membership), the company's own profile and settings.
    public static let companiesRead = "basic.companies.read"
    public static let companiesWrite = "basic.companies.write"
    /// Avails: artists' date holds and the shows linked to them (issue 9).
    public static let availsRead = "basic.avails.read"
    public static let availsWrite = "basic.avails.write"
    /// Events with their bill, documents, timeline and activity, the calendar and the caller's calendar feeds (issue 9).
    public static let eventsRead = "basic.events.read"
    public static let eventsWrite = "basic.events.write"
    /// Offers with their deal, potential, state machine and revisions.
    public static let offersRead = "basic.offers.read"
    public static let offersWrite = "basic.offers.write"
    /// Event tickets: allocations, price tiers, sales records, their import, export and summary (issue 9).
    public static let ticketsRead = "basic.tickets.read"
    public static let ticketsWrite = "basic.tickets.write"
    /// The approval queue and the company's thresholds.
    public static let approvalsRead = "basic.approvals.read"
    public static let approvalsWrite = "basic.approvals.write"
    /// Tasks and their comments.
    public static let tasksRead = "basic.tasks.read"
    public static let tasksWrite = "basic.tasks.write"
    /// Festivals and their lineup.
    public static let festivalsRead = "basic.festivals.read"
    public static let festivalsWrite = "basic.festivals.write"
    /// Base's Venues group: the company's venue links, contacts, documents and inquiries over Venue's inventory.
    public static let venuesRead = "basic.venues.read"
    public static let venuesWrite = "basic.venues.write"
    /// Agreements made from accepted offers, their PDF and attached files (issue 9).
    public static let agreementsRead = "basic.agreements.read"
    public static let agreementsWrite = "basic.agreements.write"
    /// Event expenses: estimated lines, categories, budget templates and attachments (Event Expense), and submitting or
    /// editing actual ones (Event Expense - Approval; deciding those needs approvalsWrite) (issue 10).
    public static let expensesRead = "basic.expenses.read"
    public static let expensesWrite = "basic.expenses.write"
    /// Income lines and their payments, invoices and attachments (issue 10); with `expensesRead`, the cash flow,
    /// transactions and analytics.
    public static let incomeRead = "basic.income.read"
    public static let incomeWrite = "basic.income.write"
    /// Event tax lines and their computed summary (issue 10).
    public static let taxesRead = "basic.taxes.read"
    public static let taxesWrite = "basic.taxes.write"
    /// Integrations (issue 10): the Finance connection, event syncs and Finance's records read and made through Base;
    /// Xero (connect, tenants, accounts, contacts, invoice push, sync).
    public static let integrationsRead = "basic.integrations.read"
    public static let integrationsWrite = "basic.integrations.write"
    /// Vendors (issue 14): the company's vendors, their contacts and the events they serve, and linking a catalog
    /// vendor into the company's list. The system catalog itself is read by every member and edited by staff only.
    public static let vendorsRead = "basic.vendors.read"
    public static let vendorsWrite = "basic.vendors.write"
}
