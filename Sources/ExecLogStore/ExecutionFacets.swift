/// The distinct usage types, providers and models in the store, sorted: the choices of the
/// dashboard's filters.
public struct ExecutionFacets: Sendable, Equatable {
    public var usageTypes: [String]
    public var providers: [String]
    public var modelNames: [String]

    public init(usageTypes: [String] = [], providers: [String] = [], modelNames: [String] = []) {
        self.usageTypes = usageTypes
        self.providers = providers
        self.modelNames = modelNames
    }
}
