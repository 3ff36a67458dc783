using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>
/// A JSON Patch document (RFC 6902) applied to a JSON tree. Operations run in order and the
/// patch is atomic: the caller's document is only replaced when every operation succeeded.
/// </summary>
internal sealed class JsonPatchDocument
{
    private readonly IReadOnlyList<JsonPatchOperation> _operations;

    private JsonPatchDocument(IReadOnlyList<JsonPatchOperation> operations) => _operations = operations;

    /// <exception cref="JsonPatchException">The document is not a JSON Patch.</exception>
    public static JsonPatchDocument Parse(JsonNode? document)
    {
        if (document is not JsonArray operations)
        {
            throw new JsonPatchException("A JSON Patch document is an array of operations (RFC 6902 section 3).", -1);
        }

        return new JsonPatchDocument(operations.Select((node, index) => JsonPatchOperation.Parse(node, index)).ToList());
    }

    /// <summary>Applies every operation to a copy of <paramref name="target"/> and returns the copy.</summary>
    /// <exception cref="JsonPatchException">An operation cannot be applied, or the patch exceeds <paramref name="budget"/>.</exception>
    public JsonNode Apply(JsonNode target, JsonPatchBudget budget)
    {
        var result = target.DeepClone();
        foreach (var operation in _operations)
        {
            result = operation.Apply(result, budget);
        }

        return result;
    }
}
