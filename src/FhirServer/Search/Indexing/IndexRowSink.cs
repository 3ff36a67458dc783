using System.Globalization;
using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// Turns the FHIR values one parameter's expression found into index rows of the parameter's
/// type, following the type mappings of search.html#ptypes (e.g. a HumanName gives one string
/// row per part, a CodeableConcept one token row per coding).
/// </summary>
internal sealed class IndexRowSink(string resourceType, SearchParameterDefinition definition, List<IndexRow> rows)
{
    private int _ordinal;

    public void Add(Base value, string? targetType)
    {
        switch (definition.Type)
        {
            case SearchParamType.String:
                AddStrings(value);
                break;
            case SearchParamType.Token:
                AddTokens(value);
                break;
            case SearchParamType.Date:
                AddDates(value);
                break;
            case SearchParamType.Number:
                AddNumber(value);
                break;
            case SearchParamType.Quantity:
                AddQuantity(value);
                break;
            case SearchParamType.Reference:
                AddReference(value, targetType);
                break;
            case SearchParamType.Uri:
                AddUri(value);
                break;
            case SearchParamType.Composite:
                AddComposite(value);
                break;
            default:
                break;
        }
    }

    private void AddStrings(Base value)
    {
        switch (value)
        {
            case HumanName name:
                AddString(name.Family);
                AddStrings(name.Given);
                AddStrings(name.Prefix);
                AddStrings(name.Suffix);
                AddString(name.Text);
                break;
            case Address address:
                AddStrings(address.Line);
                AddString(address.City);
                AddString(address.District);
                AddString(address.State);
                AddString(address.PostalCode);
                AddString(address.Country);
                AddString(address.Text);
                break;
            case PrimitiveType { JsonValue: { } primitive }:
                AddString(Convert.ToString(primitive, CultureInfo.InvariantCulture));
                break;
            default:
                break;
        }
    }

    private void AddStrings(IEnumerable<string?> values)
    {
        foreach (var value in values)
        {
            AddString(value);
        }
    }

    private void AddString(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        rows.Add(new StringIndexRow
        {
            ResourceType = resourceType,
            Param = definition.Code,
            Ordinal = _ordinal++,
            Value = TextNormalizer.Fold(value),
            Exact = value.Length > TextNormalizer.MaxLength ? value[..TextNormalizer.MaxLength] : value,
        });
    }

    private void AddTokens(Base value)
    {
        switch (value)
        {
            case CodeableConcept concept:
                foreach (var coding in concept.Coding)
                {
                    AddToken(coding.System, coding.Code, coding.Display ?? concept.Text);
                }

                if (concept.Coding.Count == 0 && concept.Text is { } text)
                {
                    AddToken(null, null, text);
                }

                break;
            case Coding coding:
                AddToken(coding.System, coding.Code, coding.Display);
                break;
            case Identifier identifier:
                AddToken(identifier.System, identifier.Value, identifier.Type?.Text);
                break;
            case ContactPoint contact:
                // The kind of contact point (phone, email, ...) is the token's system, so that
                // telecom=phone|555-0100 matches only a phone and telecom=555-0100 any kind
                // (search.html#token; IHE PDQm ITI-78 telecom).
                AddToken(contact.SystemElement?.JsonValue as string, contact.Value, null);
                break;
            case PrimitiveType { JsonValue: bool b }:
                AddToken(null, b ? "true" : "false", null);
                break;
            case PrimitiveType { JsonValue: { } primitive }:
                AddToken(null, Convert.ToString(primitive, CultureInfo.InvariantCulture), null);
                break;
            default:
                break;
        }
    }

    private void AddToken(string? system, string? code, string? text)
    {
        if (system is null && code is null && text is null)
        {
            return;
        }

        rows.Add(new TokenIndexRow
        {
            ResourceType = resourceType,
            Param = definition.Code,
            Ordinal = _ordinal++,
            System = system,
            Code = code,
            Text = text is null ? null : TextNormalizer.Fold(text),
        });
    }

    private void AddDates(Base value)
    {
        switch (value)
        {
            case Period period:
                var start = FhirDateRange.TryParse(period.Start, out var from) ? from.Start : FhirDateRange.Earliest;
                var end = FhirDateRange.TryParse(period.End, out var to) ? to.End : FhirDateRange.Latest;
                if (period.Start is not null || period.End is not null)
                {
                    AddDate(new FhirDateRange(start, end));
                }

                break;
            case Timing timing:
                foreach (var moment in timing.EventElement)
                {
                    AddDates(moment);
                }

                break;
            case PrimitiveType { JsonValue: { } primitive } when FhirDateRange.TryParse(DateText(primitive), out var range):
                AddDate(range);
                break;
            default:
                break;
        }
    }

    private static string? DateText(object primitive) => primitive switch
    {
        DateTimeOffset instant => instant.ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
        _ => Convert.ToString(primitive, CultureInfo.InvariantCulture),
    };

    private void AddDate(FhirDateRange range) => rows.Add(new DateIndexRow
    {
        ResourceType = resourceType,
        Param = definition.Code,
        Ordinal = _ordinal++,
        Start = range.Start,
        End = range.End,
    });

    private void AddNumber(Base value)
    {
        if (value is PrimitiveType { JsonValue: { } primitive } && NumberOf(primitive) is { } number)
        {
            rows.Add(new NumberIndexRow { ResourceType = resourceType, Param = definition.Code, Ordinal = _ordinal++, Value = (double)number });
        }
    }

    private static decimal? NumberOf(object primitive) => primitive switch
    {
        decimal d => d,
        int i => i,
        long l => l,
        _ => null,
    };

    private void AddQuantity(Base value)
    {
        switch (value)
        {
            case Quantity { Value: { } amount } quantity:
                var code = quantity.Code ?? quantity.Unit;
                var row = new QuantityIndexRow
                {
                    ResourceType = resourceType,
                    Param = definition.Code,
                    Ordinal = _ordinal++,
                    System = quantity.System,
                    Code = code,
                    Value = (double)amount,
                };
                if (QuantityCanonicalizer.TryCanonicalize(amount, quantity.System, quantity.Code, out var canonical, out var unit))
                {
                    row.CanonicalCode = unit;
                    row.CanonicalValue = (double)canonical;
                }

                rows.Add(row);
                break;
            case Money { Value: { } amount } money:
                rows.Add(new QuantityIndexRow
                {
                    ResourceType = resourceType,
                    Param = definition.Code,
                    Ordinal = _ordinal++,
                    System = "urn:iso:std:iso:4217",
                    Code = money.Currency?.ToString(),
                    Value = (double)amount,
                });
                break;
            default:
                break;
        }
    }

    private void AddReference(Base value, string? targetType)
    {
        switch (value)
        {
            case ResourceReference reference:
                var parsed = reference.Reference is { } text ? ReferenceValue.Parse(text) : null;
                if (parsed is { TargetType: { } type } && targetType is not null && type != targetType)
                {
                    return;
                }

                if (parsed is null && reference.Identifier is null)
                {
                    return;
                }

                rows.Add(new ReferenceIndexRow
                {
                    ResourceType = resourceType,
                    Param = definition.Code,
                    Ordinal = _ordinal++,
                    TargetType = parsed?.TargetType,
                    TargetId = parsed?.TargetId,
                    TargetVersion = parsed?.Version,
                    Url = parsed?.Url,
                    IdentifierSystem = reference.Identifier?.System,
                    IdentifierValue = reference.Identifier?.Value,
                });
                break;
            case PrimitiveType { JsonValue: string uri } when ReferenceValue.Parse(uri) is { } canonical:
                if (canonical.TargetType is { } canonicalType && targetType is not null && canonicalType != targetType)
                {
                    return;
                }

                rows.Add(new ReferenceIndexRow
                {
                    ResourceType = resourceType,
                    Param = definition.Code,
                    Ordinal = _ordinal++,
                    TargetType = canonical.TargetType,
                    TargetId = canonical.TargetId,
                    TargetVersion = canonical.Version,
                    Url = canonical.Url,
                });
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Each combination of the components' values found under one root element is one row, so
    /// that <c>code$value</c> matches only a code and a value of the same element.
    /// </summary>
    private void AddComposite(Base root)
    {
        var node = root.ToPocoNode(ModelInfo.ModelInspector);
        var context = new Hl7.Fhir.FhirPath.FhirEvaluationContext();
        var values = definition.Components.Select(component =>
        {
            var componentRows = new List<IndexRow>();
            var sink = new IndexRowSink(resourceType, component.Definition, componentRows);
            foreach (var found in component.Expression.Invoke([node], context))
            {
                if (found.Poco is { } element)
                {
                    sink.Add(element, null);
                }
            }

            return componentRows;
        }).ToList();

        foreach (var first in values[0].OfType<TokenIndexRow>())
        {
            foreach (var second in values[1])
            {
                var row = new CompositeIndexRow
                {
                    ResourceType = resourceType,
                    Param = definition.Code,
                    Ordinal = _ordinal++,
                    FirstSystem = first.System,
                    FirstCode = first.Code,
                };
                switch (second)
                {
                    case TokenIndexRow token:
                        (row.SecondSystem, row.SecondCode) = (token.System, token.Code);
                        break;
                    case QuantityIndexRow quantity:
                        (row.SecondSystem, row.SecondCode, row.SecondNumber) = (quantity.System, quantity.Code, quantity.Value);
                        (row.SecondCanonicalCode, row.SecondCanonicalNumber) = (quantity.CanonicalCode, quantity.CanonicalValue);
                        break;
                    case DateIndexRow date:
                        (row.SecondStart, row.SecondEnd) = (date.Start, date.End);
                        break;
                    case StringIndexRow text:
                        row.SecondText = text.Value;
                        break;
                    default:
                        continue;
                }

                rows.Add(row);
            }
        }
    }

    private void AddUri(Base value)
    {
        if (value is PrimitiveType { JsonValue: string uri } && uri.Length > 0)
        {
            rows.Add(new UriIndexRow { ResourceType = resourceType, Param = definition.Code, Ordinal = _ordinal++, Value = uri });
        }
    }
}
