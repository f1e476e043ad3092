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
                case costByModel = "cost_nano_usd_by_model"
                case unpricedByModel = "unpriced_executions_by_model"
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
                    byProvider: point.byProvider.mapValues {
                        ProviderBody(
                            executions: $0.executions, tokens: $0.tokens, errors: $0.errors, costNanoUSD: $0.costNanoUSD,
                            unpricedExecutions: $0.unpricedExecutions)
                    },
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
