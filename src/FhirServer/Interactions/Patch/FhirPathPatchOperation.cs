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

        CompiledExpression compiled;
        try
        {
            compiled = Compiler.Compile(path);
        }
        catch (FormatException e)
        {
            throw FhirException.BadRequest($"'{path}' is not a FHIRPath expression: {e.Message}", where);
        }

        return new FhirPathPatchOperation(index, type, path, compiled, parameter);
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
                var at = Integer("index");
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
                var source = Integer("source");
                var destination = Integer("destination");
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
        try
        {
            return _compiled(resource.ToPocoNode(ModelInfo.ModelInspector), new EvaluationContext()).OfType<PocoNode>().ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw Fail($"{_path} cannot be evaluated: {e.Message}");
        }
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

            return (first.Parent.Poco, first.Name, ListOf(first.Parent.Poco, first.Name));
        }

        var step = LastStep().Match(_path);
        if (!step.Success)
        {
            throw Fail($"{_path} matches nothing");
        }

        var owner = Single(new FhirPathPatchOperation(_index, _type, step.Groups[1].Value, Compiler.Compile(step.Groups[1].Value), _parameter).Evaluate(resource), "find the list of");
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
    private Base Value(Base owner, string name) => Convert(Part(_parameter, "value")!, Mapping(owner, name).ImplementingType, name);

    private Base Convert(Parameters.ParameterComponent part, Type target, string name)
    {
        if (part.Value is { } value)
        {
            if (target.IsInstanceOfType(value))
            {
                return value;
            }

            if (value is PrimitiveType primitive && typeof(PrimitiveType).IsAssignableFrom(target))
            {
                // e.g. a valueCode for Patient.gender, whose element type is Code<AdministrativeGender>.
                var converted = (PrimitiveType)Activator.CreateInstance(target)!;
                converted.JsonValue = primitive.JsonValue;
                return converted;
            }

            throw Fail($"a {value.TypeName} cannot be the value of {name}");
        }

        if (part.Part.Count > 0 && !target.IsAbstract && typeof(Base).IsAssignableFrom(target))
        {
            // A complex value given part by part (fhirpatch.html: values for elements without a type).
            var built = (Base)Activator.CreateInstance(target)!;
            foreach (var child in part.Part)
            {
                var childName = child.Name ?? throw Fail($"a part of the value for {name} has no name");
                var mapping = Mapping(built, childName);
                var childValue = Convert(child, mapping.ImplementingType, childName);
                if (mapping.IsCollection)
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

    private Hl7.Fhir.Introspection.PropertyMapping Mapping(Base owner, string name) =>
        ModelInfo.ModelInspector.FindClassMapping(owner.GetType())?.FindMappedElementByName(name)
            ?? throw Fail($"{owner.TypeName} has no element '{name}'");

    private int Integer(string name) => Part(_parameter, name)?.Value switch
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
