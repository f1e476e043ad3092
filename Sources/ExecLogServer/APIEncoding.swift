import ExecLogModel
import ExecLogStore
import Foundation
import Hummingbird

/// The JSON bodies of the API (docs/openapi.yaml): snake_case keys, sorted, every key always present.
enum APIEncoding {
    /// `GET /api/v1/ai-executions/`: a page of list items and the cursor of the next page.
    struct ListBody: Encodable, Sendable {
        var items: [ExecutionSummary]
        var skip: Int
        var limit: Int
        var hasMore: Bool
        var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case items, skip, limit
            case hasMore = "has_more"
            case nextCursor = "next_cursor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(skip, forKey: .skip)
            try container.encode(limit, forKey: .limit)
            try container.encode(hasMore, forKey: .hasMore)
            try container.encode(nextCursor, forKey: .nextCursor)
        }
    }

    /// `GET /api/v1/ai-executions/timeseries`.
    struct TimeSeriesBody: Encodable, Sendable {
        struct ProviderBody: Encodable, Sendable {
            var executions: Int
            var tokens: Int
            var errors: Int
            var costNanoUSD: Int
            var unpricedExecutions: Int

            enum CodingKeys: String, CodingKey {
                case executions, tokens, errors
                case costNanoUSD = "cost_nano_usd"
                case unpricedExecutions = "unpriced_executions"
            }

            init(_ totals: ExecutionTimeSeries.ProviderTotals) {
                executions = totals.executions
                tokens = totals.tokens
                errors = totals.errors
                costNanoUSD = totals.costNanoUSD
                unpricedExecutions = totals.unpricedExecutions
            }
        }

        struct PointBody: Encodable, Sendable {
            var start: String
            var executions: Int
            var inputTokens: Int
            var outputTokens: Int
            var totalTokens: Int
            var errors: Int
            var costNanoUSD: Int
            var unpricedExecutions: Int
            var byProvider: [String: ProviderBody]
            var byUsageType: [String: ProviderBody]
            var p50ExecutionTimeMs: Int?
            var p95ExecutionTimeMs: Int?
            var costByModel: [String: Int]
            var unpricedByModel: [String: Int]

            enum CodingKeys: String, CodingKey {
                case start, executions, errors
                case inputTokens = "input_tokens"
                case outputTokens = "output_tokens"
                case totalTokens = "total_tokens"
                case costNanoUSD = "cost_nano_usd"
                case unpricedExecutions = "unpriced_executions"
                case byProvider = "by_provider"
                case byUsageType = "by_usage_type"
                case p50ExecutionTimeMs = "p50_execution_time_ms"
                case p95ExecutionTimeMs = "p95_execution_time_ms"
                case costByModel = "cost_nano_usd_by_model"
                case unpricedByModel = "unpriced_executions_by_model"
            }

            // The percentiles as null when a bucket has no duration: every key always present.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(start, forKey: .start)
                try container.encode(executions, forKey: .executions)
                try container.encode(inputTokens, forKey: .inputTokens)
                try container.encode(outputTokens, forKey: .outputTokens)
                try container.encode(totalTokens, forKey: .totalTokens)
                try container.encode(errors, forKey: .errors)
                try container.encode(costNanoUSD, forKey: .costNanoUSD)
                try container.encode(unpricedExecutions, forKey: .unpricedExecutions)
                try container.encode(byProvider, forKey: .byProvider)
                try container.encode(byUsageType, forKey: .byUsageType)
                try container.encode(p50ExecutionTimeMs, forKey: .p50ExecutionTimeMs)
                try container.encode(p95ExecutionTimeMs, forKey: .p95ExecutionTimeMs)
                try container.encode(costByModel, forKey: .costByModel)
                try container.encode(unpricedByModel, forKey: .unpricedByModel)
            }
        }

        var bucket: String
        var points: [PointBody]

        init(_ series: ExecutionTimeSeries) {
            bucket = series.bucket.rawValue
            points = series.points.map { point in
                PointBody(
                    start: point.start, executions: point.executions, inputTokens: point.inputTokens,
                    outputTokens: point.outputTokens, totalTokens: point.totalTokens, errors: point.errors,
                    costNanoUSD: point.costNanoUSD, unpricedExecutions: point.unpricedExecutions,
                    byProvider: point.byProvider.mapValues(ProviderBody.init),
                    byUsageType: point.byUsageType.mapValues(ProviderBody.init),
                    p50ExecutionTimeMs: point.p50ExecutionTimeMs, p95ExecutionTimeMs: point.p95ExecutionTimeMs,
                    costByModel: point.costByModel, unpricedByModel: point.unpricedByModel)
            }
        }
    }

    /// `GET /api/v1/ai-executions/facets`.
    struct FacetsBody: Encodable, Sendable {
        var usageTypes: [String]
        var providers: [String]
        var modelNames: [String]

        enum CodingKeys: String, CodingKey {
            case providers
            case usageTypes = "usage_types"
            case modelNames = "model_names"
        }

        init(_ facets: ExecutionFacets) {
            usageTypes = facets.usageTypes
            providers = facets.providers
            modelNames = facets.modelNames
        }
    }

    /// `DELETE /api/v1/ai-executions/{id}`.
    struct DeletedBody: Encodable, Sendable {
        var deleted: String
    }

    /// `DELETE /api/v1/ai-executions/?days=N`.
    struct PrunedBody: Encodable, Sendable {
        var deleted: Int
        var olderThanDays: Int
        var cutoff: String

        enum CodingKeys: String, CodingKey {
            case deleted, cutoff
            case olderThanDays = "older_than_days"
        }
    }

    static func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return jsonResponse(data: try encoder.encode(value), status: status)
    }

    static func jsonResponse(data: Data, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        response.headers[.contentType] = "application/json; charset=utf-8"
        // Executions change under the page: never serve a stale answer from a cache.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The full execution: the model's own JSON form, every field, nulls included, and its `cost`.
    static func executionResponse(_ record: ExecutionRecord) -> Response {
        jsonResponse(data: Data(record.jsonObject().serializedBytes()))
    }
}
