using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>One operation of RFC 6902: add, remove, replace, move, copy or test.</summary>
internal sealed record JsonPatchOperation(int Index, string Op, JsonPointer Path, JsonPointer? From, JsonNode? Value)
{
    private static readonly string[] Ops = ["add", "remove", "replace", "move", "copy", "test"];

    /// <exception cref="JsonPatchException">The operation object is malformed.</exception>
    public static JsonPatchOperation Parse(JsonNode? node, int index)
    {
        if (node is not JsonObject operation)
        {
            throw new JsonPatchException($"Operation {index} is not a JSON object.", index);
        }

        var op = Text(operation, "op", index);
        if (!Ops.Contains(op))
        {
            throw new JsonPatchException($"Operation {index} has op '{op}'; JSON Patch ops are {string.Join(", ", Ops)}.", index);
        }

        var path = Pointer(Text(operation, "path", index), index);
        JsonPointer? from = op is "move" or "copy" ? Pointer(Text(operation, "from", index), index) : null;
        if (op is "add" or "replace" or "test" && !operation.ContainsKey("value"))
        {
            throw new JsonPatchException($"Operation {index} ({op}) needs a 'value'.", index);
        }

        return new JsonPatchOperation(index, op, path, from, operation["value"]?.DeepClone());
    }

    /// <summary>Applies the operation; returns the new root (which changes only when the root is replaced).</summary>
    /// <exception cref="JsonPatchException">The operation cannot be applied to <paramref name="root"/>.</exception>
    public JsonNode Apply(JsonNode root, JsonPatchBudget budget)
    {
        switch (Op)
        {
            case "add":
                budget.Charge(Value, Path.Tokens.Count, Index);
                return Add(root, Path, Value?.DeepClone());
            case "remove":
                Remove(root, Path);
                return root;
            case "replace":
                Get(root, Path);
                budget.Charge(Value, Path.Tokens.Count, Index);
                if (Path.IsRoot)
                {
                    return Value?.DeepClone() ?? throw Fail("cannot replace the whole document with null");
                }

                Remove(root, Path);
                return Add(root, Path, Value?.DeepClone());
            case "move":
                // "from" must not be a proper prefix of "path" (RFC 6902 section 4.4).
                if (Path.IsWithin(From!) && Path.Tokens.Count > From!.Tokens.Count)
                {
                    throw Fail($"cannot move {From} into its own child {Path}");
                }

                var moved = Get(root, From!);
                budget.Charge(moved, Path.Tokens.Count, Index);
                Remove(root, From!);
                return Add(root, Path, moved);
            case "copy":
                var copied = Get(root, From!);
                budget.Charge(copied, Path.Tokens.Count, Index);
                return Add(root, Path, copied?.DeepClone());
            case "test":
                var actual = Get(root, Path);
                budget.Charge(actual, Path.Tokens.Count, Index);
                if (!JsonNode.DeepEquals(actual, Value))
                {
                    throw new JsonPatchException($"Operation {Index} (test) failed: the value at {Path} is not the one given.", Index, isFailedTest: true);
                }

                return root;
            default:
                throw new InvalidOperationException($"Operation {Index} has op '{Op}', which parsing should have refused.");
        }
    }

    private JsonNode Add(JsonNode root, JsonPointer path, JsonNode? value)
    {
        if (path.IsRoot)
        {
            return value ?? throw Fail("cannot replace the whole document with null");
        }

        switch (Get(root, path.Parent))
        {
            case JsonObject parent:
                parent[path.Last] = value;
                return root;
            case JsonArray array when path.Last == "-":
                array.Add(value);
                return root;
            case JsonArray array when JsonPointer.TryIndex(path.Last, out var index) && index <= array.Count:
                array.Insert(index, value);
                return root;
            case JsonArray:
                throw Fail($"'{path.Last}' is not an index at which to add in the array at {path.Parent}");
            default:
                throw Fail($"{path.Parent} is not an object or array");
        }
    }

    private void Remove(JsonNode root, JsonPointer path)
    {
        if (path.IsRoot)
        {
            throw Fail("cannot remove the whole document");
        }

        switch (Get(root, path.Parent))
        {
            case JsonObject parent when parent.ContainsKey(path.Last):
                parent.Remove(path.Last);
                break;
            case JsonArray array when JsonPointer.TryIndex(path.Last, out var index) && index < array.Count:
                array.RemoveAt(index);
                break;
            default:
                throw Fail($"there is nothing at {path}");
        }
    }

    private JsonNode? Get(JsonNode root, JsonPointer path)
    {
        JsonNode? current = root;
        foreach (var token in path.Tokens)
        {
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array when JsonPointer.TryIndex(token, out var index) && index < array.Count => array[index],
                _ => throw Fail($"there is nothing at {path}"),
            };
        }

        return current;
    }

    private JsonPatchException Fail(string reason) => new($"Operation {Index} ({Op} {Path}): {reason}.", Index);

    private static string Text(JsonObject operation, string member, int index) =>
        operation[member] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new JsonPatchException($"Operation {index} needs a string '{member}'.", index);

    private static JsonPointer Pointer(string text, int index)
    {
        try
        {
            return JsonPointer.Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonPatchException($"Operation {index}: {e.Message}", index);
        }
    }
}
