namespace FhirMh.FhirServer.Search;

/// <summary>Search settings (section <c>Search</c> of the configuration).</summary>
internal sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>Page size when the client sends no <c>_count</c>.</summary>
    public int DefaultCount { get; set; } = 20;

    /// <summary>Largest page; a larger <c>_count</c> is lowered to it (search.html#count).</summary>
    public int MaxCount { get; set; } = 1000;

    /// <summary>Most resources added to one page by <c>_include</c> and <c>_revinclude</c> together.</summary>
    public int MaxIncluded { get; set; } = 1000;

    /// <summary>How many rounds <c>:iterate</c> follows.</summary>
    public int MaxIterations { get; set; } = 4;

    /// <summary>Whether a conditional delete may delete several matches (http.html#cdelete); otherwise several matches are a 412.</summary>
    public bool AllowMultipleConditionalDelete { get; set; }
}
