using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Search.Parsing;

namespace FhirMh.FhirServer.Search.Stored;

/// <summary>
/// Which parameters of a search are stored ones whose re-index job has not finished: resources
/// written before the SearchParameter may not be found through them yet. The search still
/// runs; the client is told in the outcome entry (search.html#errors).
/// </summary>
internal static class IndexingWarnings
{
    public static List<string> Of(ParsedSearch search, StoredParameterSet stored)
    {
        var warnings = new List<string>();
        var seen = new HashSet<(string, string)>();
        foreach (var criterion in search.Criteria)
        {
            Visit(criterion);
        }

        foreach (var key in search.Sort)
        {
            Check(key.Parameter);
        }

        return warnings;

        void Visit(SearchCriterion criterion)
        {
            switch (criterion)
            {
                case ValueCriterion value:
                    Check(value.Parameter);
                    break;
                case ChainCriterion chain:
                    Check(chain.Reference);
                    foreach (var (_, inner) in chain.Targets)
                    {
                        Visit(inner);
                    }

                    break;
                case HasCriterion has:
                    Check(has.Reference);
                    Visit(has.Inner);
                    break;
                default:
                    break;
            }
        }

        void Check(SearchParameterDefinition parameter)
        {
            if (stored.Indexing(parameter.ResourceType, parameter.Code) is { } progress && seen.Add((parameter.ResourceType, parameter.Code)))
            {
                warnings.Add(
                    $"The search parameter '{parameter.Code}' of {parameter.ResourceType} is still being indexed: {parameter.ResourceType} resources written " +
                    $"before SearchParameter/{progress.SearchParameterId} may be missing from the results " +
                    $"(see SearchParameter/{progress.SearchParameterId}/$reindex-status).");
            }
        }
    }
}
