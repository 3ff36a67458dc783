using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>One <c>operation</c> of a FHIRPath Patch (fhirpatch.html): type, path and its arguments.</summary>
internal sealed partial class FhirPathPatchOperation
{
    private const int MaxPathLength = 2000;
    private const int MaxPathNesting = 32;
    private static readonly FhirPathCompiler Compiler = new();
    private readonly int _index;
    private readonly string _type;
    private readonly string _path;
    private readonly CompiledExpression _compiled;
    private readonly Parameters.ParameterComponent _parameter;

    private FhirPathPatchOperation(int index, string type, string path, CompiledExpression compiled, Parameters.ParameterComponent parameter)
    {
        _index = index;
        _type = type;
        _path = path;
        _compiled = compiled;
        _parameter = parameter;
    }

    private string Where => $"Parameters.parameter[{_index}]";

    /// <exception cref="FhirException">400 for a malformed operation.</exception>
    public static FhirPathPatchOperation Parse(Parameters.ParameterComponent parameter, int index)
    {
        var where = $"Parameters.parameter[{index}]";
        if (parameter.Name != "operation")
        {
            throw FhirException.BadRequest($"FHIRPath Patch parameters are named 'operation', not '{parameter.Name}'.", where);
        }

        var type = Text(parameter, "type") ?? throw FhirException.BadRequest("The operation has no 'type'.", where);
        var path = Text(parameter, "path") ?? throw FhirException.BadRequest("The operation has no 'path'.", where);
        string[] required = type switch
        {
            "add" => ["name", "value"],
            "insert" => ["index", "value"],
            "delete" => [],
            "replace" => ["value"],
            "move" => ["source", "destination"],
            _ => throw FhirException.BadRequest($"Operation type '{type}' is not add, insert, delete, replace or move.", where),
        };
        foreach (var name in required.Where(name => Part(parameter, name) is null))
        {
            throw FhirException.BadRequest($"A '{type}' operation needs a '{name}' part.", where);
        }

        return new FhirPathPatchOperation(index, type, path, Compile(path, where), parameter);
    }

    /// <summary>Compiles a path, refusing what could exhaust the recursive parser.</summary>
    /// <exception cref="FhirException">400 for an expression that is too long, too nested or not FHIRPath.</exception>
    private static CompiledExpression Compile(string path, string where)
    {
        var nesting = 0;
        var deepest = 0;
        foreach (var c in path)
        {
            nesting += c is '(' or '[' ? 1 : c is ')' or ']' ? -1 : 0;
            deepest = Math.Max(deepest, nesting);
        }

        if (path.Length > MaxPathLength || deepest > MaxPathNesting)
        {
            throw FhirException.BadRequest($"The path is longer than {MaxPathLength} characters or nested deeper than {MaxPathNesting} brackets.", where);
        }

        try
        {
            return Compiler.Compile(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The compiler reports unknown functions, bad literals and syntax with several exception types.
            throw FhirException.BadRequest($"'{path}' is not a FHIRPath expression: {e.Message}", where);
        }
    }

    /// <exception cref="FhirException">422 when the operation does not fit the resource.</exception>
    public void Apply(Resource resource)
    {
        var matches = Evaluate(resource);
        switch (_type)
        {
            case "add":
                var container = Single(matches, "add to");
                Add(container.Poco, Text(_parameter, "name")!);
                break;
            case "insert":
                var (owner, name, list) = ListAt(resource, matches);
                var at = IntegerPart("index");
                if (at < 0 || at > list.Count)
                {
                    throw Fail($"index {at} is outside the list of {list.Count} at {_path}");
                }

                list.Insert(at, Value(owner, name));
                break;
            case "delete":
                if (matches.Count > 1)
                {
                    throw Fail($"{_path} matches {matches.Count} elements; delete takes one");
                }

                if (matches.Count == 1)
                {
                    Remove(matches[0]);
                }

                break;
            case "replace":
                Replace(Single(matches, "replace"));
                break;
            default:
                var (_, _, items) = ListAt(resource, matches);
                var source = IntegerPart("source");
                var destination = IntegerPart("destination");
                if (source < 0 || source >= items.Count || destination < 0 || destination >= items.Count)
                {
                    throw Fail($"source {source} or destination {destination} is outside the list of {items.Count} at {_path}");
                }

                var moved = items[source];
                items.RemoveAt(source);
                items.Insert(destination, moved);
                break;
        }
    }

    private List<PocoNode> Evaluate(Resource resource)
    {
        List<PocoNode> matches;
        try
        {
            matches = _compiled(resource.ToPocoNode(ModelInfo.ModelInspector), new EvaluationContext()).OfType<PocoNode>().ToList();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Fail($"{_path} cannot be evaluated: {e.Message}");
        }

        // Literals and function results are nodes too, but belong to no resource: they cannot be patched.
        return matches.All(m => IsIn(m, resource)) ? matches : throw Fail($"{_path} selects values that are not elements of the resource");
    }

    private static bool IsIn(PocoNode node, Resource resource)
    {
        var root = node;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return ReferenceEquals(root.Poco, resource);
    }

    private PocoNode Single(List<PocoNode> matches, string verb) => matches.Count == 1
        ? matches[0]
        : throw Fail($"{_path} matches {matches.Count} elements; {verb} needs exactly one");

    /// <summary>
    /// The list a path names: the common parent and element of its matches or, when it matches
    /// nothing, the container named by the path without its last step (an empty list).
    /// </summary>
    private (Base Owner, string Name, IList List) ListAt(Resource resource, List<PocoNode> matches)
    {
        if (matches.Count > 0)
        {
            var first = matches[0];
            if (first.Parent is null || first.Index is null ||
                matches.Any(m => !ReferenceEquals(m.Parent?.Poco, first.Parent.Poco) || m.Name != first.Name))
            {
                throw Fail($"{_path} does not name one list");
            }

            var whole = ListOf(first.Parent.Poco, first.Name);
            if (whole.Count != matches.Count)
            {
                // Indexes count in the list the path names, so the path must name all of it.
                throw Fail($"{_path} selects {matches.Count} of the {whole.Count} items of {first.Name}; name the whole list");
            }

            return (first.Parent.Poco, first.Name, whole);
        }

        var step = LastStep().Match(_path);
        if (!step.Success)
        {
            throw Fail($"{_path} matches nothing");
        }

        var prefix = step.Groups[1].Value;
        var owner = Single(new FhirPathPatchOperation(_index, _type, prefix, Compile(prefix, Where), _parameter).Evaluate(resource), "find the list of");
        return (owner.Poco, step.Groups[2].Value, ListOf(owner.Poco, step.Groups[2].Value));
    }

    private void Add(Base container, string name)
    {
        var mapping = Mapping(container, name);
        if (mapping.IsCollection)
        {
            ListOf(container, name).Add(Value(container, name));
        }
        else if (container.TryGetValue(name, out var existing) && existing is not null)
        {
            throw Fail($"{name} already has a value in {_path}; use replace");
        }
        else
        {
            container.SetValue(name, Value(container, name));
        }
    }

    private void Replace(PocoNode target)
    {
        var owner = target.Parent?.Poco ?? throw Fail("the whole resource cannot be replaced");
        var value = Value(owner, target.Name);
        if (target.Index is { } index)
        {
            ListOf(owner, target.Name)[index] = value;
        }
        else
        {
            owner.SetValue(target.Name, value);
        }
    }

    private void Remove(PocoNode target)
    {
        var owner = target.Parent?.Poco ?? throw Fail("the whole resource cannot be deleted");
        if (target.Index is { } index)
        {
            ListOf(owner, target.Name).RemoveAt(index);
        }
        else
        {
            owner.SetValue(target.Name, null);
        }
    }

    /// <summary>The list held in <paramref name="owner"/>.<paramref name="name"/>, created when still empty.</summary>
    private IList ListOf(Base owner, string name)
    {
        if (owner.TryGetValue(name, out var value) && value is IList list)
        {
            return list;
        }

        var mapping = Mapping(owner, name);
        if (!mapping.IsCollection)
        {
            throw Fail($"{name} is not a list");
        }

        var created = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(mapping.ImplementingType))!;
        owner.SetValue(name, created);
        return created;
    }

    /// <summary>The operation's value, made to fit <paramref name="owner"/>.<paramref name="name"/>.</summary>
    private object Value(Base owner, string name) => Convert(Part(_parameter, "value")!, Mapping(owner, name), name);

    private object Convert(Parameters.ParameterComponent part, Hl7.Fhir.Introspection.PropertyMapping mapping, string name)
    {
        var target = mapping.ImplementingType;
        if (part.Resource is { } resource)
        {
            return target.IsInstanceOfType(resource) ? resource : throw Fail($"a {resource.TypeName} cannot be the value of {name}");
        }

        if (part.Value is { } value)
        {
            return ConvertValue(value, mapping, name);
        }

        if (part.Part.Count > 0 && !target.IsAbstract && typeof(Base).IsAssignableFrom(target))
        {
            // A complex value given part by part (fhirpatch.html: values for elements without a type).
            var built = (Base)Activator.CreateInstance(target)!;
            foreach (var child in part.Part)
            {
                var childName = child.Name ?? throw Fail($"a part of the value for {name} has no name");
                var childMapping = Mapping(built, childName);
                var childValue = Convert(child, childMapping, childName);
                if (childMapping.IsCollection)
                {
                    ListOf(built, childName).Add(childValue);
                }
                else
                {
                    built.SetValue(childName, childValue);
                }
            }

            return built;
        }

        throw Fail($"the value for {name} is empty");
    }

    private object ConvertValue(DataType value, Hl7.Fhir.Introspection.PropertyMapping mapping, string name)
    {
        var target = mapping.ImplementingType;
        if (mapping.Choice == Hl7.Fhir.Introspection.ChoiceType.DatatypeChoice)
        {
            // value[x]: any of the element's allowed types, as they are (fhirpatch.html uses value[x] for them too).
            return mapping.FhirType.Any(t => t.IsInstanceOfType(value))
                ? value
                : throw Fail($"a {value.TypeName} is not one of the types {name}[x] allows");
        }

        if (target.IsInstanceOfType(value))
        {
            return value;
        }

        return (value, target) switch
        {
            // e.g. a valueCode for Patient.gender (Code<AdministrativeGender>), a valueString for a markdown.
            (PrimitiveType { JsonValue: string text }, _) when typeof(PrimitiveType).IsAssignableFrom(target) && !target.IsAbstract && IsTextual(target) =>
                WithJsonValue(target, text),
            (PrimitiveType { JsonValue: string text }, _) when target == typeof(string) => text,
            (Integer or PositiveInt or UnsignedInt, _) when target == typeof(FhirDecimal) =>
                new FhirDecimal(System.Convert.ToDecimal(((PrimitiveType)value).JsonValue, CultureInfo.InvariantCulture)),
            _ => throw Fail($"a {value.TypeName} cannot be the value of {name}"),
        };
    }

    /// <summary>Primitive types whose value is text in JSON (not numbers or booleans).</summary>
    private static bool IsTextual(Type target) =>
        target != typeof(FhirDecimal) && target != typeof(Integer) && target != typeof(PositiveInt) &&
        target != typeof(UnsignedInt) && target != typeof(FhirBoolean) && target != typeof(Integer64);

    private static PrimitiveType WithJsonValue(Type target, string text)
    {
        var converted = (PrimitiveType)Activator.CreateInstance(target)!;
        converted.JsonValue = text;
        return converted;
    }

    private Hl7.Fhir.Introspection.PropertyMapping Mapping(Base owner, string name) =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(owner.GetType())?.FindMappedElementByName(name)
            ?? throw Fail($"{owner.TypeName} has no element '{name}'");

    private int IntegerPart(string name) => Part(_parameter, name)?.Value switch
    {
        Integer number when number.Value is { } value => value,
        var other => throw Fail($"'{name}' must be an integer, not {other?.TypeName ?? "empty"}"),
    };

    private FhirException Fail(string reason) => FhirException.Of(
        StatusCodes.Status422UnprocessableEntity,
        OperationOutcome.IssueType.Processing,
        $"Operation {_index} ({_type} {_path}): {reason}.",
        Where);

    private static Parameters.ParameterComponent? Part(Parameters.ParameterComponent parameter, string name) =>
        parameter.Part.FirstOrDefault(p => p.Name == name);

    private static string? Text(Parameters.ParameterComponent parameter, string name) =>
        Part(parameter, name)?.Value switch
        {
            PrimitiveType primitive => System.Convert.ToString(primitive.JsonValue, CultureInfo.InvariantCulture),
            _ => null,
        };

    [GeneratedRegex(@"^(.+)\.([A-Za-z][A-Za-z0-9]*)$")]
    private static partial Regex LastStep();
}
