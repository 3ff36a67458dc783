using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using static FhirMh.Registries.Matching.JsonRead;

namespace FhirMh.Registries.Matching;

/// <summary>Reads and writes <see cref="MatchRules"/>; every error names the JSON path it is about.</summary>
internal static class MatchRulesJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Skip,
    };

    // Rules are a configuration file people read; '+' and quotes inside FHIRPaths stay as typed.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] RootProperties =
        ["version", "upperThreshold", "lowerThreshold", "priorMatchProbability", "blockSizeCap", "fields", "blocking"];

    private static readonly string[] FieldProperties =
        ["name", "path", "comparator", "levels", "frequencyAdjusted", "swapWith", "measure", "digits"];

    private static readonly string[] LevelProperties = ["name", "minimum", "kind", "m", "u"];
    private static readonly string[] PassProperties = ["name", "keys"];
    private static readonly string[] KeyProperties = ["field", "transform", "length"];

    public static MatchRules Read(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new MatchRulesException($"$ is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            RequireObject(root, "$", RootProperties);
            var version = RequiredString(root, "version", "version");
            var upper = RequiredNumber(root, "upperThreshold", "upperThreshold");
            var lower = RequiredNumber(root, "lowerThreshold", "lowerThreshold");
            if (lower > upper)
            {
                throw new MatchRulesException("lowerThreshold must not exceed upperThreshold");
            }

            var prior = RequiredNumber(root, "priorMatchProbability", "priorMatchProbability");
            if (!(prior > 0 && prior < 1))
            {
                throw new MatchRulesException("priorMatchProbability must be in (0,1)");
            }

            var cap = RequiredInt(root, "blockSizeCap", "blockSizeCap");
            if (cap < 1)
            {
                throw new MatchRulesException("blockSizeCap must be at least 1");
            }

            var fields = ReadFields(RequiredArray(root, "fields", "fields"));
            var blocking = ReadBlocking(RequiredArray(root, "blocking", "blocking"), fields);
            return new MatchRules(version, fields, blocking, cap, upper, lower, prior);
        }
    }

    public static string Write(MatchRules rules)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("version", rules.Version);
            w.WriteNumber("upperThreshold", rules.UpperThreshold);
            w.WriteNumber("lowerThreshold", rules.LowerThreshold);
            w.WriteNumber("priorMatchProbability", rules.PriorMatchProbability);
            w.WriteNumber("blockSizeCap", rules.BlockSizeCap);
            w.WriteStartArray("fields");
            foreach (var field in rules.Fields)
            {
                w.WriteStartObject();
                w.WriteString("name", field.Name);
                w.WriteString("path", field.Path);
                w.WriteString("comparator", field.Comparator);
                if (field.IsFrequencyAdjusted)
                {
                    w.WriteBoolean("frequencyAdjusted", true);
                }

                if (field.SwapWith is not null)
                {
                    w.WriteString("swapWith", field.SwapWith);
                }

                if (field.Measure is not null)
                {
                    w.WriteString("measure", field.Measure);
                }

                if (field.Digits is { } digits)
                {
                    w.WriteNumber("digits", digits);
                }

                w.WriteStartArray("levels");
                foreach (var level in field.Levels)
                {
                    w.WriteStartObject();
                    w.WriteString("name", level.Name);
                    if (level.Minimum is { } minimum)
                    {
                        w.WriteNumber("minimum", minimum);
                    }

                    if (level.Kind is not null)
                    {
                        w.WriteString("kind", level.Kind);
                    }

                    w.WriteNumber("m", level.M);
                    w.WriteNumber("u", level.U);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("blocking");
            foreach (var pass in rules.Blocking)
            {
                w.WriteStartObject();
                w.WriteString("name", pass.Name);
                w.WriteStartArray("keys");
                foreach (var key in pass.Keys)
                {
                    w.WriteStartObject();
                    w.WriteString("field", key.Field);
                    w.WriteString("transform", key.Transform);
                    if (key.Length is { } length)
                    {
                        w.WriteNumber("length", length);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<FieldRule> ReadFields(JsonElement array)
    {
        var fields = new List<FieldRule>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var path = Path("fields", index);
            RequireObject(element, path, FieldProperties);
            var name = RequiredString(element, "name", path + ".name");
            if (fields.Any(f => f.Name == name))
            {
                throw new MatchRulesException($"{path}.name '{name}' is used by another field");
            }

            var fieldPath = RequiredString(element, "path", path + ".path");
            var comparator = RequiredString(element, "comparator", path + ".comparator");
            if (!Comparators.All.Contains(comparator))
            {
                throw new MatchRulesException(
                    $"{path}.comparator '{comparator}' is not one of {string.Join(", ", Comparators.All)}");
            }

            var frequencyAdjusted = OptionalBool(element, "frequencyAdjusted", path + ".frequencyAdjusted") ?? false;
            var swapWith = OptionalString(element, "swapWith", path + ".swapWith");
            var measure = OptionalString(element, "measure", path + ".measure");
            if (measure is not null && (comparator != Comparators.Text || !Comparators.Measures.Contains(measure)))
            {
                throw new MatchRulesException(
                    $"{path}.measure is only for the text comparator, one of {string.Join(", ", Comparators.Measures)}");
            }

            var digits = OptionalInt(element, "digits", path + ".digits");
            if (digits is not null && (comparator != Comparators.Phone || digits < 4))
            {
                throw new MatchRulesException($"{path}.digits is only for the phone comparator and must be at least 4");
            }

            var levels = ReadLevels(RequiredArray(element, "levels", path + ".levels"), path + ".levels", comparator);
            fields.Add(new FieldRule(name, fieldPath, comparator, levels, frequencyAdjusted, swapWith, measure, digits));
            index++;
        }

        if (fields.Count == 0)
        {
            throw new MatchRulesException("fields must not be empty");
        }

        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.SwapWith is null)
            {
                continue;
            }

            var other = fields.FirstOrDefault(f => f.Name == field.SwapWith);
            if (other is null || other == field || other.Comparator != field.Comparator || other.SwapWith != field.Name)
            {
                throw new MatchRulesException(
                    $"{Path("fields", i)}.swapWith must name another field of the same comparator that swaps back with '{field.Name}'");
            }
        }

        return fields;
    }

    private static List<AgreementLevel> ReadLevels(JsonElement array, string arrayPath, string comparator)
    {
        var levels = new List<AgreementLevel>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var path = Path(arrayPath, index);
            RequireObject(element, path, LevelProperties);
            var name = RequiredString(element, "name", path + ".name");
            if (name is FieldRule.DisagreeLevel or FieldRule.MissingLevel || levels.Any(l => l.Name == name))
            {
                throw new MatchRulesException($"{path}.name '{name}' is reserved or used by another level");
            }

            var minimum = OptionalNumber(element, "minimum", path + ".minimum");
            var kind = OptionalString(element, "kind", path + ".kind");
            var m = RequiredNumber(element, "m", path + ".m");
            var u = RequiredNumber(element, "u", path + ".u");
            if (!(m > 0 && m < 1))
            {
                throw new MatchRulesException($"{path}.m must be in (0,1)");
            }

            if (!(u > 0 && u < 1))
            {
                throw new MatchRulesException($"{path}.u must be in (0,1)");
            }

            if (Comparators.UsesMinimum(comparator))
            {
                if (minimum is not { } value || !(value > 0 && value <= 1))
                {
                    throw new MatchRulesException($"{path}.minimum is required for the {comparator} comparator and must be in (0,1]");
                }

                if (levels.Count > 0 && !(value < levels[^1].Minimum))
                {
                    throw new MatchRulesException($"{path}.minimum must be below the previous level's minimum");
                }

                if (kind is not null)
                {
                    throw new MatchRulesException($"{path}.kind is not used by the {comparator} comparator");
                }
            }
            else
            {
                if (minimum is not null)
                {
                    throw new MatchRulesException($"{path}.minimum is not used by the {comparator} comparator");
                }

                var kinds = Comparators.Kinds(comparator);
                if (kinds.Count > 0)
                {
                    if (kind is null || !kinds.Contains(kind))
                    {
                        throw new MatchRulesException(
                            $"{path}.kind must be one of {string.Join(", ", kinds)} for the {comparator} comparator");
                    }

                    if (levels.Any(l => l.Kind == kind))
                    {
                        throw new MatchRulesException($"{path}.kind '{kind}' is used by another level");
                    }
                }
                else if (kind is not null)
                {
                    throw new MatchRulesException($"{path}.kind is not used by the {comparator} comparator");
                }
            }

            levels.Add(new AgreementLevel(name, minimum, kind, m, u));
            index++;
        }

        if (levels.Count == 0)
        {
            throw new MatchRulesException($"{arrayPath} must not be empty");
        }

        if (comparator == Comparators.Exact && levels.Count != 1)
        {
            throw new MatchRulesException($"{arrayPath} must have exactly one level for the exact comparator");
        }

        if (!(levels.Sum(l => l.M) < 1))
        {
            throw new MatchRulesException($"{arrayPath} m values must sum to less than 1 (the rest is 'disagree')");
        }

        if (!(levels.Sum(l => l.U) < 1))
        {
            throw new MatchRulesException($"{arrayPath} u values must sum to less than 1 (the rest is 'disagree')");
        }

        return levels;
    }

    private static List<BlockingPass> ReadBlocking(JsonElement array, List<FieldRule> fields)
    {
        var passes = new List<BlockingPass>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var path = Path("blocking", index);
            RequireObject(element, path, PassProperties);
            var name = RequiredString(element, "name", path + ".name");
            if (name.Contains(':', StringComparison.Ordinal) || passes.Any(p => p.Name == name))
            {
                throw new MatchRulesException($"{path}.name '{name}' contains ':' or is used by another pass");
            }

            var keysPath = path + ".keys";
            var keys = new List<BlockingKey>();
            var keyIndex = 0;
            foreach (var keyElement in RequiredArray(element, "keys", keysPath).EnumerateArray())
            {
                var keyPath = Path(keysPath, keyIndex);
                RequireObject(keyElement, keyPath, KeyProperties);
                var field = RequiredString(keyElement, "field", keyPath + ".field");
                if (fields.All(f => f.Name != field))
                {
                    throw new MatchRulesException($"{keyPath}.field '{field}' is not a field of the rules");
                }

                var transform = RequiredString(keyElement, "transform", keyPath + ".transform");
                if (!BlockingTransforms.All.Contains(transform))
                {
                    throw new MatchRulesException(
                        $"{keyPath}.transform '{transform}' is not one of {string.Join(", ", BlockingTransforms.All)}");
                }

                var length = OptionalInt(keyElement, "length", keyPath + ".length");
                if (transform == BlockingTransforms.Last ? length is not > 0 : length is not null)
                {
                    throw new MatchRulesException($"{keyPath}.length is required (at least 1) for the last transform and only for it");
                }

                keys.Add(new BlockingKey(field, transform, length));
                keyIndex++;
            }

            if (keys.Count == 0)
            {
                throw new MatchRulesException($"{keysPath} must not be empty");
            }

            passes.Add(new BlockingPass(name, keys));
            index++;
        }

        return passes;
    }
}
