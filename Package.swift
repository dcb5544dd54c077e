// swift-tools-version:6.1
import PackageDescription

// Every service is declared the same way by `service(...)`: a library holding its routes,
// repositories and domain rules, and a thin executable over it (penny-bot style).

let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let postgres: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    // A file sees only the members of modules it imports itself (SE-0444), so every dependency is explicit.
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Declares a service's library (`Services/<folder>/Sources`) and its executable (`Services/<folder>/Server`).
func service(
    _ library: String,
    folder: String,
    executable: String,
    dependencies: [Target.Dependency] = []
) -> (targets: [Target], product: Product) {
    let targets: [Target] = [
        .target(
            name: library,
            dependencies: ["KisumKernel", "KisumPersistence", "KisumServiceClient", "KisumRuntime", hummingbird, httpTypes, postgres, logging,
                           argumentParser] + dependencies,
            path: "Services/\(folder)/Sources",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "\(library)Server",
            dependencies: [.target(name: library), argumentParser],
            path: "Services/\(folder)/Server",
            swiftSettings: swiftSettings
        ),
    ]
    return (targets, .executable(name: executable, targets: ["\(library)Server"]))
}

/// Declares a test target over a service library plus the shared test support.
func serviceTests(_ name: String, dependencies: [Target.Dependency]) -> Target {
    .testTarget(
        name: name,
        dependencies: ["KisumTesting", "KisumKernel", "KisumPersistence", "KisumRuntime", hummingbird, httpTypes,
                       .product(name: "HummingbirdTesting", package: "hummingbird"), postgres, logging] + dependencies,
        path: "Tests/\(name)",
        swiftSettings: swiftSettings
    )
}

let services = [
    service("PlatformCore", folder: "PlatformCore", executable: "platform-core", dependencies: ["CArgon2", "CCurl", "PlatformCoreAPI", "KisumStorage", crypto,
        .product(name: "NIOPosix", package: "swift-nio")]),
    // ServiceLifecycle: the outbox relay that takes event syncs to Finance runs beside the server.
    // Crypto: the Xero OAuth flow (PKCE S256, state digests).
    // PlatformCoreAPI: the Notifications group reads the user's inbox through Platform Core's internal routes.
    // KisumStorage: the Files group's uploads (local disk or S3).
    service("Base", folder: "Base", executable: "base", dependencies: ["KisumDeals", "KisumPdf", "PlatformCoreAPI", "KisumStorage", crypto,
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
    // NIOFileSystem: the local document storage writes off the event loops.
    // PlatformCoreAPI: booking and deposit notifications go to Platform Core's inbox (`PlatformNotificationsClient`).
    service("Venue", folder: "Venue", executable: "venue", dependencies: ["KisumPdf", "PlatformCoreAPI", crypto,
        .product(name: "_NIOFileSystem", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
    service("Finance", folder: "Finance", executable: "finance"),
    service("Promoter", folder: "Promoter", executable: "promoter"),
]

/// Every role in one executable, for the container image (`kisum venue serve`, or the executable linked as `venue`):
/// static executables each carry the Swift runtime, Foundation and ICU, so one of them instead of five.
let allRoles: [Target] = [
    .executableTarget(
        name: "KisumServer",
        dependencies: services.flatMap(\.targets).filter { $0.type == .regular }.map { .target(name: $0.name) } + [argumentParser],
        path: "Services/Kisum",
        swiftSettings: swiftSettings
    ),
]

let package = Package(
    name: "kisum",
    platforms: [.macOS(.v15)],
    products: services.map(\.product) + [.executable(name: "kisum", targets: ["KisumServer"])],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "CCurl",
            path: "Shared/CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(
            name: "CArgon2",
            path: "Services/PlatformCore/CArgon2",
            linkerSettings: [.linkedLibrary("argon2")]
        ),
        // The deal engine: pure arithmetic over deal terms and ticket sales, no I/O, so it is tested exhaustively.
        .target(
            name: "KisumDeals",
            path: "Shared/DealEngine",
            swiftSettings: swiftSettings
        ),
        // Documents (agreements, offers, Venue's contracts): pango lays text out in any script, with fontconfig's
        // fallback over the Noto fonts, and cairo writes the PDF. Debian: libpango1.0-dev libcairo2-dev to build;
        // libpangocairo-1.0-0 fonts-noto-core fonts-noto-cjk to run (deploy/scripts/install-deps.sh, deploy/Dockerfile).
        // SwiftPM drops glib's `-pthread` from pkg-config's flags with a "prohibited flag(s)" warning: harmless, Swift
        // links the thread library anyway.
        .systemLibrary(
            name: "CPangoCairo",
            path: "Shared/CPangoCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]
        ),
        .target(
            name: "KisumPdf",
            dependencies: ["CPangoCairo"],
            path: "Shared/Pdf",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PdfTests",
            dependencies: ["KisumPdf", "KisumTesting"],
            path: "Tests/PdfTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DealEngineTests",
            dependencies: ["KisumDeals"],
            path: "Tests/DealEngineTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KisumServiceClient",
            dependencies: ["CCurl", logging, .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOCore", package: "swift-nio")],
            path: "Shared/ServiceClient",
            swiftSettings: swiftSettings
        ),
        // Object storage (local disk, or S3-compatible over HTTP with Signature V4) and content sniffing for
        // uploads: Platform Core's avatars and Base's files share it.
        .target(
            name: "KisumStorage",
            dependencies: ["KisumKernel", "KisumServiceClient", crypto, .product(name: "NIOPosix", package: "swift-nio")],
            path: "Shared/Storage",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["KisumStorage", "KisumTesting", "KisumServiceClient", crypto],
            path: "Tests/StorageTests",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KisumKernel",
            dependencies: [
                "KisumServiceClient", hummingbird, httpTypes, crypto, logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Shared/Kernel",
            swiftSettings: swiftSettings
        ),
        // Platform Core's internal API, defined once: wire types, the API-key format and the clients the
        // other services use. Platform Core and the runtime depend on it; the kernel keeps only protocols.
        .target(
            name: "PlatformCoreAPI",
            dependencies: ["KisumKernel", "KisumServiceClient", crypto, .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            path: "Shared/PlatformCoreAPI",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KisumPersistence",
            // NIOPosix and NIOSSL: the gate's probe opens a connection of its own (DatabaseGate).
            dependencies: ["KisumKernel", postgres, logging, crypto,
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl")],
            path: "Shared/Persistence",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KisumRuntime",
            dependencies: [
                "KisumKernel", "KisumPersistence", "KisumServiceClient", "PlatformCoreAPI", hummingbird, httpTypes, postgres, logging, argumentParser,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Shared/Runtime",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KisumTesting",
            dependencies: [
                "KisumKernel", "KisumPersistence", "KisumRuntime", "KisumServiceClient", hummingbird, postgres, logging, crypto,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Shared/Testing",
            swiftSettings: swiftSettings
        ),
        serviceTests("KernelTests", dependencies: ["KisumServiceClient", "PlatformCoreAPI", crypto,
                                                   .product(name: "NIOPosix", package: "swift-nio")]),
        serviceTests("DeployTests", dependencies: [.product(name: "Yams", package: "Yams")]),
        serviceTests("PlatformCoreTests", dependencies: ["PlatformCore", "PlatformCoreAPI", "KisumStorage", crypto]),
        serviceTests("BaseTests", dependencies: ["Base", "Finance", "KisumServiceClient", "PlatformCoreAPI", "KisumStorage", crypto]),
        // Venue's promoter checks and deposits are tested against the real Promoter and Finance services, started live.
        serviceTests("VenueTests", dependencies: ["Venue", "Promoter", "Finance", "KisumServiceClient", "PlatformCoreAPI"]),
        serviceTests("FinanceTests", dependencies: ["Finance", "KisumServiceClient"]),
        serviceTests("PromoterTests", dependencies: ["Promoter"]),
        serviceTests("SystemTests", dependencies: ["PlatformCore", "Venue", "Finance", "Promoter", "Base",
                                                   "KisumServiceClient", "PlatformCoreAPI", crypto]),
    ] + services.flatMap(\.targets) + allRoles
)
