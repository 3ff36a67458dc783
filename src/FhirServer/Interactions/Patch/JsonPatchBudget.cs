using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>
/// Bounds the work a patch may cause. A few bytes of <c>copy</c> operations can double a document
/// again and again, or nest it deeper with every step; every value the patch clones, inserts or
/// compares is charged here, and every insertion is checked against the depth limit.
/// </summary>
internal sealed class JsonPatchBudget(long maxNodes, int maxDepth)
{
    private readonly long _maxNodes = maxNodes;
    private long _remaining = maxNodes;

    public int MaxDepth { get; } = maxDepth;

    /// <summary>Charges the nodes of <paramref name="value"/> and checks it fits at <paramref name="depth"/>.</summary>
    /// <exception cref="JsonPatchException">The patch has done more work than allowed, or nests too deep.</exception>
    public void Charge(JsonNode? value, int depth, int operationIndex)
    {
        if (depth + MeasureAndCharge(value, operationIndex) > MaxDepth)
        {
            throw new JsonPatchException($"Operation {operationIndex} would nest the document deeper than {MaxDepth} levels.", operationIndex);
        }
    }

    /// <summary>Walks <paramref name="node"/>, charging each value to the budget; returns its depth.</summary>
    private int MeasureAndCharge(JsonNode? node, int operationIndex)
    {
        // Iterative, so that a deep value cannot overflow the stack while being measured.
        var deepest = 0;
        var pending = new Stack<(JsonNode? Node, int Depth)>();
        pending.Push((node, 1));
        while (pending.Count > 0)
        {
            var (current, depth) = pending.Pop();
            if (--_remaining < 0)
            {
                throw new JsonPatchException($"Operation {operationIndex} makes the patch copy or compare more than {_maxNodes} values.", operationIndex);
            }

            deepest = Math.Max(deepest, depth);
            if (depth > MaxDepth)
            {
                return depth;
            }

            var children = current switch
            {
                JsonObject obj => obj.Select(p => p.Value),
                JsonArray array => array.AsEnumerable(),
                _ => [],
            };
            foreach (var child in children)
            {
                pending.Push((child, depth + 1));
            }
        }

        return deepest;
    }
}
