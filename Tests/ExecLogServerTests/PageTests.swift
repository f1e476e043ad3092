import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The page, its assets and the OpenAPI document: served from the binary, identical to the sources.
@Suite struct PageTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture(count: 5) }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The page, its stylesheet, the document, and every script module in the Assets folder: a module
    /// left out of the binary fails here.
    static let assets: [(path: String, source: String, contentType: String)] = {
        let folder = "Sources/ExecLogServer/Assets"
        let modules = ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [])
            .filter { $0.hasSuffix(".js") }.sorted()
        return [
            ("/", "\(folder)/index.html", "text/html; charset=utf-8"),
            ("/dashboard.css", "\(folder)/dashboard.css", "text/css; charset=utf-8"),
            ("/api/v1/openapi.yaml", "docs/openapi.yaml", "application/yaml; charset=utf-8"),
        ] + modules.map { ("/\($0)", "\(folder)/\($0)", "text/javascript; charset=utf-8") }
    }()

    @Test func everyModuleIsServed() {
        #expect(Self.assets.filter { $0.path.hasSuffix(".js") }.count >= 9)
    }

    /// The server answers each asset byte for byte as its source (compiled in by SwiftPM's embedInCode).
    @Test(arguments: assets)
    func theEmbeddedCopyIsTheSource(_ path: String, _ source: String, _ contentType: String) async throws {
        let expected = try Data(contentsOf: Self.root.appendingPathComponent(source))
        try await fixture.withClient { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == contentType)
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(
                Data(buffer: response.body) == expected,
                "\(source) differs from the copy the server answers")
        }
    }

    @Test func thePageHasItsParts() async throws {
        try await fixture.withClient { client in
            let page = String(buffer: try await client.execute(uri: "/", method: .get).body)
            for part in [
                "Total Executions", "Total Tokens", "Input Tokens", "Avg Exec Time", "id=\"refresh\"", "filter-usage-type",
                "filter-provider", "filter-status", "filter-start-date", "executions-table", "chart-executions",
                "chart-tokens", "chart-errors", "chart-providers", "id=\"detail\"", "Total Cost", "card-total-cost",
                "chart-cost", "chart-cost-models", "cost-by-provider", "cost-by-model",
            ] {
                #expect(page.contains(part), "missing \(part)")
            }
        }
    }

    @Test func theOpenAPIDocumentDescribesEveryEndpoint() throws {
        let document = try String(contentsOf: Self.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        #expect(document.hasPrefix("openapi: 3.1.0\n"))
        for path in [
            "/api/v1/ai-executions/:", "/api/v1/ai-executions/stats:", "/api/v1/ai-executions/timeseries:",
            "/api/v1/ai-executions/facets:", "/api/v1/ai-executions/{id}:", "/api/v1/openapi.yaml:",
        ] {
            #expect(document.contains("\n  \(path)\n"), "missing \(path)")
        }
    }

    @Test func unknownPathsAre404() async throws {
        try await fixture.withClient { client in
            let unknownFile = try await client.execute(uri: "/index.php", method: .get)
            #expect(unknownFile.status == .notFound)
            let unknownVersion = try await client.execute(uri: "/api/v2/ai-executions/", method: .get)
            #expect(unknownVersion.status == .notFound)
        }
    }
}
