// The schema tree (BindingValidator, ChildrenValidator, IAssertionContainer) is marked experimental
// by the SDK; it is the only way to tell which element a binding check belongs to.
#pragma warning disable ExperimentalApi
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Hl7.Fhir.Utility;
using Canonical = Firely.Fhir.Validation.Canonical;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// Required bindings that parsing has already enforced. An R4 element of type <c>code</c> with a
/// required binding is an enum in the SDK's model (<c>Code&lt;AdministrativeGender&gt;</c>),
/// generated from the bound value set; the parsers refuse any other code (400), and both kinds
/// of PATCH parse their result again. A binding check on such an element with that same value set
/// can never fail, yet the validator pays for each one with a blocking call into the terminology
/// service on another thread. Such checks are left out (<see cref="IsEnforced"/>); every other
/// binding is checked as before: a profile's own value set on the element, a binding on a
/// Coding or CodeableConcept, on a choice element, or one that forbids abstract codes.
/// </summary>
/// <remarks>
/// Some enums are shared by every FHIR version the SDK supports and hold codes later versions
/// added (<c>Quantity.comparator</c> has <c>ad</c>, <c>Bundle.type</c> has
/// <c>subscription-notification</c>): the parser accepts those, R4's value set does not. So a
/// binding is left out only when every code of the enum is in the value set as it resolves here,
/// expanded once per value set and enum.
/// </remarks>
internal sealed class ParserEnforcedBindings
{
    private readonly ConditionalWeakTable<BindingValidator, object> _enforced = [];

    /// <summary>Whether every code of an enum is in a value set (its canonical as the binding names it, version included).</summary>
    private readonly ConcurrentDictionary<(string ValueSet, Type Enum), bool> _covered = new();

    /// <summary>For <see cref="ValidationSettings.ExcludeFilters"/>: true for a binding check parsing already made.</summary>
    public bool IsEnforced(IAssertion assertion) => assertion is BindingValidator binding && _enforced.TryGetValue(binding, out _);

    /// <summary>
    /// Compiles schemas as the validator does by default (StructureDefinitionToElementSchemaResolver),
    /// notes the binding checks of each that parsing already made, and caches it.
    /// </summary>
    public IElementSchemaResolver SchemaResolver(IAsyncResourceResolver resolver) =>
        new CachedElementSchemaResolver(new NotingResolver(StructureDefinitionToElementSchemaResolver.Create(resolver), resolver, this));

    private void Note(ElementSchema schema, Type rootType, IAsyncResourceResolver resolver) => Visit(schema, rootType, property: null, resolver);

    private void Visit(IAssertion assertion, Type? type, PropertyMapping? property, IAsyncResourceResolver resolver)
    {
        switch (assertion)
        {
            case BindingValidator binding when property is not null && IsEnforcedBy(binding, property, resolver):
                _enforced.AddOrUpdate(binding, property);
                break;
            case ChildrenValidator children:
                var mapping = type is null ? null : ModelInfo.ModelInspector.FindClassMapping(type);
                ((IAssertionContainer)children).WithChildren((step, child) =>
                {
                    // A choice element ("value[x]") has no single model type: nothing below it is noted.
                    var member = step.ElementName is { } name ? mapping?.FindMappedElementByName(name) : null;
                    var memberType = member is { Choice: ChoiceType.None } ? member.ImplementingType : null;
                    Visit(child, memberType, memberType is null ? null : member, resolver);
                    return child;
                });
                break;
            case IAssertionContainer container:
                // Members, slices and type switches of the same element keep its model type.
                container.WithChildren((_, child) =>
                {
                    Visit(child, type, property, resolver);
                    return child;
                });
                break;
        }
    }

    /// <summary>
    /// True when <paramref name="property"/> is a code enum made for the value set the required
    /// binding names, abstract codes are allowed as the enum allows them, and every code of the
    /// enum is in that value set.
    /// </summary>
    private bool IsEnforcedBy(BindingValidator binding, PropertyMapping property, IAsyncResourceResolver resolver) =>
        binding.Strength == BindingValidator.BindingStrength.Required
        && binding.AbstractAllowed
        && property.ImplementingType is { IsGenericType: true } implementing
        && implementing.GetGenericTypeDefinition() == typeof(Code<>)
        && implementing.GetGenericArguments()[0] is var enumType
        && enumType.GetCustomAttribute<FhirEnumerationAttribute>() is { Valueset: { } valueSet }
        && string.Equals(binding.ValueSetUri.Uri, valueSet, StringComparison.Ordinal)
        && _covered.GetOrAdd((binding.ValueSetUri.ToString(), enumType), key => TaskHelper.Await(() => CoversAsync(key.ValueSet, key.Enum, resolver)));

    /// <summary>Whether the expansion of <paramref name="canonical"/> holds every literal of <paramref name="enumType"/>; false when it cannot be expanded.</summary>
    private static async Task<bool> CoversAsync(string canonical, Type enumType, IAsyncResourceResolver resolver)
    {
        if ((await resolver.TryResolveByCanonicalUriAsync(canonical)).Value is not ValueSet valueSet)
        {
            return false;
        }

        try
        {
            // The expander writes into the ValueSet it gets; the resolver's may be shared.
            ITerminologyService terminology = new LocalTerminologyService(resolver);
            var expanded = (ValueSet)await terminology.Expand(new Parameters().Add("valueSet", (ValueSet)valueSet.DeepCopy()));
            var codes = new HashSet<string>(StringComparer.Ordinal);
            AddCodes(expanded.Expansion?.Contains ?? [], codes);
            return Enum.GetValues(enumType).Cast<Enum>().All(value => value.GetLiteral() is { } literal && codes.Contains(literal));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not expandable here, or the shared ValueSet changed while it was copied (the SDK's
            // expander writes into the instances it resolves): the binding stays checked.
            return false;
        }
    }

    private static void AddCodes(IEnumerable<ValueSet.ContainsComponent> contains, HashSet<string> codes)
    {
        foreach (var concept in contains)
        {
            if (concept.Code is { } code)
            {
                codes.Add(code);
            }

            AddCodes(concept.Contains, codes);
        }
    }

    private sealed class NotingResolver(IElementSchemaResolver inner, IAsyncResourceResolver resolver, ParserEnforcedBindings bindings)
        : IElementSchemaResolver
    {
        /// <summary>
        /// One compilation at a time: concurrent first validations compiling the same types failed
        /// inside the SDK's schema builder (an index out of range while loading the schema of
        /// <c>string</c>), and the validator reported it as an unresolvable profile (422).
        /// </summary>
        private readonly Lock _compiling = new();

        public ElementSchema? GetSchema(Canonical schemaUri)
        {
            lock (_compiling)
            {
                var schema = inner.GetSchema(schemaUri);
                if (schema is FhirSchema && RootType(schemaUri) is { } rootType)
                {
                    bindings.Note(schema, rootType, resolver);
                }

                return schema;
            }
        }

        /// <summary>The model class of the type a StructureDefinition constrains; once per schema, as compiling it resolves it too.</summary>
        private Type? RootType(Canonical schemaUri) =>
            schemaUri.Uri is { } url
            && TaskHelper.Await(() => resolver.FindStructureDefinitionAsync(url)) is { Type: { } type }
            && ModelInfo.ModelInspector.FindClassMapping(type) is { } mapping
                ? mapping.NativeType
                : null;
    }
}
