using System.Globalization;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations;

/// <summary>
/// The input parameters of an operation: those of the Parameters body of a POST, and those of the
/// query string, which is all a GET has (operations.html#request). Complex values (a Coding, a
/// CodeableConcept, a resource) only come in a body.
/// </summary>
internal sealed class OperationInput
{
    private readonly FhirRequest _request;
    private readonly Parameters? _body;

    private OperationInput(FhirRequest request, Parameters? body)
    {
        _request = request;
        _body = body;
    }

    /// <exception cref="FhirException">400 when a body is not a Parameters resource.</exception>
    public static OperationInput From(FhirRequest request) => request.Resource switch
    {
        null => new OperationInput(request, null),
        Parameters parameters => new OperationInput(request, parameters),
        var other => throw FhirException.BadRequest(
            $"The body of ${request.Operation} is a Parameters resource, not {other.TypeName} (operations.html#request)."),
    };

    public bool Has(string name) => Body(name) is not null || _request.Parameter(name) is not null;

    /// <summary>A primitive parameter as text, whichever primitive type it was given as.</summary>
    /// <exception cref="FhirException">400 when the body gives it a complex value.</exception>
    public string? String(string name)
    {
        if (Body(name) is { } parameter)
        {
            return parameter.Value is PrimitiveType primitive
                ? primitive.ToString()
                : throw FhirException.BadRequest($"The parameter '{name}' takes a primitive value.", name);
        }

        return _request.Parameter(name);
    }

    /// <summary>Every value of a repeating primitive parameter.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        var values = _body?.Parameter.Where(p => p.Name == name).Select(p => (p.Value as PrimitiveType)?.ToString()).OfType<string>().ToList() ?? [];
        values.AddRange(_request.Parameters.Where(p => p.Key == name).Select(p => p.Value));
        return values;
    }

    /// <exception cref="FhirException">400 when the value is not a non-negative integer.</exception>
    public int? NonNegativeInteger(string name) => String(name) switch
    {
        null => null,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) => value,
        var text => throw FhirException.BadRequest($"The parameter '{name}' must be a non-negative integer, not '{text}'.", name),
    };

    /// <exception cref="FhirException">400 when the value is not true or false.</exception>
    public bool? Boolean(string name) => String(name) switch
    {
        null => null,
        "true" => true,
        "false" => false,
        var text => throw FhirException.BadRequest($"The parameter '{name}' must be true or false, not '{text}'.", name),
    };

    public Coding? Coding(string name) => Complex<Coding>(name);

    public ResourceReference? Reference(string name) => Complex<ResourceReference>(name);

    public CodeableConcept? CodeableConcept(string name) => Complex<CodeableConcept>(name);

    /// <exception cref="FhirException">400 when the parameter carries no <typeparamref name="T"/>.</exception>
    public T? Resource<T>(string name)
        where T : Resource
    {
        ComplexOnlyInBody(name);
        return Body(name) switch
        {
            null => null,
            { Resource: T resource } => resource,
            _ => throw FhirException.BadRequest($"The parameter '{name}' takes a {typeof(T).Name} resource.", name),
        };
    }

    /// <summary>The value of a parameter the operation cannot do without.</summary>
    /// <exception cref="FhirException">400 naming the parameter when it is absent.</exception>
    public static T Required<T>(T? value, string name, string why)
        where T : class =>
        value ?? throw FhirException.BadRequest($"The parameter '{name}' is required: {why}.", name);

    private T? Complex<T>(string name)
        where T : DataType
    {
        ComplexOnlyInBody(name);
        return Body(name) switch
        {
            null => null,
            { Value: T value } => value,
            _ => throw FhirException.BadRequest($"The parameter '{name}' takes a {typeof(T).Name}.", name),
        };
    }

    private void ComplexOnlyInBody(string name)
    {
        if (_request.Parameter(name) is not null)
        {
            throw FhirException.BadRequest($"The parameter '{name}' is not a primitive value: POST it in a Parameters resource (operations.html#request).", name);
        }
    }

    private Parameters.ParameterComponent? Body(string name) => _body?.Parameter.LastOrDefault(p => p.Name == name);
}
