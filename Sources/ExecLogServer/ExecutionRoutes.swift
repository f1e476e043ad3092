import ExecLogModel
import ExecLogStore
import Foundation
import Hummingbird

/// The REST API under `/api/v1/ai-executions` (docs/openapi.yaml): each handler parses its parameters,
/// runs one store call on a store thread and encodes the answer.
struct ExecutionRoutes: Sendable {
    let store: StoreAccess
    let adminToken: AdminToken?

    static let maxLimit = 1_000
    static let defaultLimit = 100
    /// Retention is counted in days; a hundred years is past any store.
    static let maxDays = 36_500

    static let collection = "/api/v1/ai-executions"

    func register(on routes: inout RouteTable) {
        routes.get(Self.collection, use: list)
        routes.delete(Self.collection, use: prune)
        routes.get(Self.collection + "/stats", use: stats)
        routes.get(Self.collection + "/timeseries", use: timeSeries)
        routes.get(Self.collection + "/facets", use: facets)
        routes.get(Self.collection + "/breakdown", use: breakdown)
        routes.get(Self.collection + "/:id", use: execution)
        routes.delete(Self.collection + "/:id", use: delete)
        routes.get("/api/v1/traces/:id", use: timeline(.trace))
        routes.get("/api/v1/sessions/:id", use: timeline(.session))
    }

    /// The top values of one dimension: `by`, `sort`, `limit` and the filters.
    @Sendable func breakdown(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: QueryParameters.filterNames + ["by", "sort", "limit"])
        let filter = try parameters.filter()
        guard let dimension = try parameters.oneOf("by", ExecutionBreakdown.Dimension.self) else {
            throw APIError.badParameter("by", "missing by: one of \(ExecutionBreakdown.Dimension.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let measure = try parameters.oneOf("sort", ExecutionBreakdown.Measure.self) ?? .executions
        let limit = try parameters.integer("limit", in: 1...Self.maxLimit, default: 20)!
        let breakdown = try await store.read { store throws(StoreError) in
            try store.breakdown(dimension, filter, by: measure, limit: limit)
        }
        return try APIEncoding.jsonResponse(breakdown)
    }

    /// Every execution of a trace or a session, in time order, on one time line.
    func timeline(_ kind: ExecutionTimeline.Kind) -> @Sendable (Request, BasicRequestContext) async throws -> Response {
        { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = context.parameters.get("id") ?? ""
            let timeline = try await store.read { store throws(StoreError) in try store.timeline(kind, id: id) }
            guard !timeline.entries.isEmpty else { throw APIError(.notFound, "no executions with \(kind.rawValue) id \(id)") }
            return try APIEncoding.jsonResponse(timeline)
        }
    }

    @Sendable func list(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let parameters = try QueryParameters(
            request, allowed: QueryParameters.filterNames + ["skip", "limit", "cursor", "sort", "order"])
        let filter = try parameters.filter()
        let skip = try parameters.integer("skip", in: 0...Int.max, default: 0)!
        let limit = try parameters.integer("limit", in: 1...Self.maxLimit, default: Self.defaultLimit)!
        let order = ListOrder(
            try parameters.oneOf("sort", ListOrder.Key.self) ?? .createdAt,
            try parameters.oneOf("order", ListOrder.Direction.self) ?? .desc)
        let cursor = try parameters.cursor()
        let page = try await store.read { store throws(StoreError) in
            try store.list(filter, order: order, limit: limit, offset: skip, after: cursor)
        }
        return try APIEncoding.jsonResponse(
            APIEncoding.ListBody(
                items: page.executions, skip: skip, limit: limit, hasMore: page.hasMore,
                nextCursor: page.nextCursor?.description))
    }

    @Sendable func stats(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let filter = try QueryParameters(request, allowed: QueryParameters.filterNames).filter()
        // The store's own stats: another part of execlog makes them fast; this only encodes them.
        let stats = try await store.read { store throws(StoreError) in try store.stats(filter) }
        return try APIEncoding.jsonResponse(stats)
    }

    @Sendable func timeSeries(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: QueryParameters.filterNames + ["bucket"])
        let filter = try parameters.filter()
        let bucket = try parameters.oneOf("bucket", ExecutionTimeSeries.Bucket.self) ?? .day
        let series = try await store.read { store throws(StoreError) in try store.timeSeries(filter, bucket: bucket) }
        return try APIEncoding.jsonResponse(APIEncoding.TimeSeriesBody(series))
    }

    @Sendable func facets(_ request: Request, context: BasicRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let facets = try await store.read { store throws(StoreError) in try store.facets() }
        return try APIEncoding.jsonResponse(APIEncoding.FacetsBody(facets))
    }

    @Sendable func execution(_ request: Request, context: BasicRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let id = context.parameters.get("id") ?? ""
        do {
            let record = try await store.read { store throws(StoreError) in try store.record(id) }
            return APIEncoding.executionResponse(record)
        } catch {
            throw Self.apiError(error)
        }
    }

    @Sendable func delete(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try AdminToken.authorize(request, with: adminToken)
        _ = try QueryParameters(request, allowed: [])
        let id = context.parameters.get("id") ?? ""
        let deleted: String
        do {
            deleted = try await store.write { store throws(StoreError) in try store.delete(id) }
        } catch {
            throw Self.apiError(error)
        }
        return try APIEncoding.jsonResponse(APIEncoding.DeletedBody(deleted: deleted))
    }

    @Sendable func prune(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try AdminToken.authorize(request, with: adminToken)
        let parameters = try QueryParameters(request, allowed: ["days"])
        guard let days = try parameters.integer("days", in: 0...Self.maxDays) else {
            throw APIError.badParameter("days", "missing days: DELETE /api/v1/ai-executions/?days=N deletes what is older than N days")
        }
        let cutoff = Date().addingTimeInterval(-Double(days) * 86_400)
        let deleted = try await store.write { store throws(StoreError) in try store.prune(olderThan: cutoff) }
        return try APIEncoding.jsonResponse(
            APIEncoding.PrunedBody(deleted: deleted, olderThanDays: days, cutoff: Timestamp.format(cutoff)))
    }

    /// The store's errors as HTTP: 404 for no such execution, 400 for a malformed or ambiguous id or a
    /// search query FTS5 refuses, 409 for a search on a store without an index, else 500.
    static func apiError(_ error: StoreError) -> APIError {
        switch error {
        case .executionNotFound: APIError(.notFound, error.description)
        case .invalidID, .ambiguousPrefix: .badParameter("id", error.description)
        case .invalidSearchQuery: .badParameter("q", error.description)
        case .cursorNeedsTimeOrder: .badParameter("cursor", error.description)
        case .noSearchIndex: APIError(.conflict, error.description, parameter: "q")
        default: APIError(.internalServerError, error.description)
        }
    }
}
