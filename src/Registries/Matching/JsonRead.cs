using System.Globalization;
using System.Text.Json;

namespace FhirMh.Registries.Matching;

/// <summary>
/// Typed reads of JSON properties for <see cref="MatchRulesJson"/>: each failure is a
/// <see cref="MatchRulesException"/> naming the JSON path of the offending value.
/// </summary>
internal static class JsonRead
{
    internal static string Path(string array, int index) => string.Create(CultureInfo.InvariantCulture, $"{array}[{index}]");

    internal static void RequireObject(JsonElement element, string path, string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MatchRulesException($"{path} must be an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                var prefix = path == "$" ? string.Empty : path + ".";
                throw new MatchRulesException($"{prefix}{property.Name} is not a known property");
            }
        }
    }

    internal static JsonElement? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    internal static JsonElement Required(JsonElement element, string name, string path) =>
        Optional(element, name) ?? throw new MatchRulesException($"{path} is required");

    internal static string RequiredString(JsonElement element, string name, string path) =>
        OptionalString(element, name, path) ?? throw new MatchRulesException($"{path} is required");

    internal static string? OptionalString(JsonElement element, string name, string path)
    {
        if (Optional(element, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new MatchRulesException($"{path} must be a non-empty string");
        }

        return value.GetString();
    }

    internal static double RequiredNumber(JsonElement element, string name, string path) =>
        OptionalNumber(element, name, path) ?? throw new MatchRulesException($"{path} is required");

    internal static double? OptionalNumber(JsonElement element, string name, string path)
    {
        if (Optional(element, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw new MatchRulesException($"{path} must be a number");
        }

        return number;
    }

    internal static int RequiredInt(JsonElement element, string name, string path) =>
        OptionalInt(element, name, path) ?? throw new MatchRulesException($"{path} is required");

    internal static int? OptionalInt(JsonElement element, string name, string path)
    {
        if (Optional(element, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw new MatchRulesException($"{path} must be an integer");
        }

        return number;
    }

    internal static bool? OptionalBool(JsonElement element, string name, string path)
    {
        if (Optional(element, name) is not { } value)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new MatchRulesException($"{path} must be true or false"),
        };
    }

    internal static JsonElement RequiredArray(JsonElement element, string name, string path)
    {
        var value = Required(element, name, path);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new MatchRulesException($"{path} must be an array");
        }

        return value;
    }
}
