namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>The comparison prefixes of search.html#prefix; <see cref="Eq"/> when none is given.</summary>
internal enum SearchPrefix
{
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Sa,
    Eb,
    Ap,
}
