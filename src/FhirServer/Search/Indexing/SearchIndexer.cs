using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// Evaluates every search parameter of a resource's type on the resource and turns the values
/// into index rows (ARCHITECTURE.md, Search). The resource is walked as one PocoNode shared by
/// all parameters.
/// </summary>
internal sealed class SearchIndexer(SearchParameterRegistry parameters)
{
    public List<IndexRow> Extract(Resource resource) => Extract(resource, parameters.For(resource.TypeName).Values);

    /// <summary>The index rows of the given parameters only, e.g. of one stored parameter being re-indexed.</summary>
    public static List<IndexRow> Extract(Resource resource, IEnumerable<SearchParameterDefinition> definitions)
    {
        var rows = new List<IndexRow>();
        var node = resource.ToPocoNode(ModelInfo.ModelInspector);
        var context = new FhirEvaluationContext();
        foreach (var definition in definitions)
        {
            if (definition.Special != SpecialSearch.None)
            {
                SpecialIndexing.Add(resource, definition, rows);
                continue;
            }

            if (definition.Paths.Count == 0)
            {
                continue;
            }

            var sink = new IndexRowSink(resource.TypeName, definition, rows);
            foreach (var path in definition.Paths)
            {
                foreach (var element in path.Select(resource, node, context))
                {
                    sink.Add(element, path.TargetType);
                }
            }
        }

        return rows;
    }
}
