// swift-tools-version: 6.1
import PackageDescription

// A worker package as a user writes one: it depends on execlog by path (a user names the repository's
// URL instead) and uses only the ExecLog product. main.swift is the README's example, word for word
// (scripts/check-readme-example extracts it from README.md); Stubs.swift stands in for the user's model client.
let package = Package(
    name: "ReadmeWorker",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "execlog", path: "../..")],
    targets: [
        .executableTarget(name: "ReadmeWorker", dependencies: [.product(name: "ExecLog", package: "execlog")])
    ],
    swiftLanguageModes: [.v6]
)
