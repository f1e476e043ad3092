import Hummingbird

/// The page at `/`, its stylesheet and script, and the OpenAPI document: served from the copies SwiftPM
/// compiles into the binary (`resources: [.embedInCode(…)]` in Package.swift), never looked up on disk.
struct DashboardAssets: Sendable {
    struct Asset: Sendable {
        let path: String
        let contentType: String
        let bytes: [UInt8]
    }

    static let all: [Asset] = [
        Asset(path: "/", contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html),
        Asset(path: "/dashboard.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.dashboard_css),
        Asset(path: "/dashboard.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.dashboard_js),
        Asset(path: "/format.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.format_js),
        Asset(path: "/api.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.api_js),
        Asset(path: "/charts.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.charts_js),
        Asset(path: "/bars.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.bars_js),
        Asset(path: "/table.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.table_js),
        Asset(path: "/drawer.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.drawer_js),
        Asset(path: "/timeline.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.timeline_js),
        Asset(path: "/filters.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.filters_js),
        Asset(path: "/api/v1/openapi.yaml", contentType: "application/yaml; charset=utf-8", bytes: PackageResources.openapi_yaml),
    ]

    func register(on routes: inout RouteTable) {
        for asset in Self.all {
            let body = ByteBuffer(bytes: asset.bytes)
            routes.get(asset.path) { _, _ -> Response in
                var response = Response(status: .ok, body: ResponseBody(byteBuffer: body))
                response.headers[.contentType] = asset.contentType
                // Revalidated on each load, so that a new execlog's page is never mixed with an old script.
                response.headers[.cacheControl] = "no-cache"
                return response
            }
        }
    }
}
