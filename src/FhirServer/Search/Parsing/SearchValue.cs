namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>One value of a search parameter: the prefix, if the type takes one, and the text after it, unescaped.</summary>
internal sealed record SearchValue(SearchPrefix Prefix, string Text);
