using System.Collections;
using System.Text.RegularExpressions;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// Rewrites what a transaction entry's resource says about other entries (http.html#trules):
/// every reference to a declared fullUrl becomes <c>Type/id</c>, and so do uri, url, canonical,
/// oid and uuid values equal to one (as absolute URLs) and narrative links to one; conditional
/// references go to <see cref="IConditionalReferenceResolver"/>. The whole element tree is walked,
/// extensions and contained resources included.
/// </summary>
internal sealed partial class ReferenceResolver(IConditionalReferenceResolver conditional)
{
    private static readonly HashSet<string> UriTypes = new(StringComparer.Ordinal) { "uri", "url", "canonical", "oid", "uuid" };

    /// <exception cref="FhirException">
    /// 400 naming the element when a <c>urn:uuid:</c> or <c>urn:oid:</c> reference names no entry,
    /// or a conditional reference matches nothing; what the conditional resolver throws otherwise.
    /// </exception>
    public async Task ResolveAsync(Resource resource, Placeholders placeholders, EntryRequest entry, string baseUrl, CancellationToken cancellationToken)
    {
        foreach (var (element, path) in Descendants(resource, $"{entry.Path}.resource").ToList())
        {
            switch (element)
            {
                case ResourceReference { Reference: { Length: > 0 } value } reference:
                    reference.Reference = await ResolveReferenceAsync(value, path, placeholders, entry, cancellationToken);
                    break;
                case PrimitiveType { JsonValue: string value } uri when UriTypes.Contains(uri.TypeName) && placeholders.TryResolve(value, out var target):
                    uri.JsonValue = $"{baseUrl}/{target}";
                    break;
                case XHtml { Value: { Length: > 0 } div } narrative:
                    narrative.Value = RewriteLinks(div, placeholders);
                    break;
            }
        }
    }

    /// <summary>
    /// The first reference in <paramref name="resource"/> to one of <paramref name="fullUrls"/>, with
    /// its path: batch entries must not depend on each other (http.html#brules).
    /// </summary>
    public static (string Reference, string Path)? FindReferenceTo(Resource resource, string rootPath, IReadOnlySet<string> fullUrls)
    {
        foreach (var (element, path) in Descendants(resource, rootPath))
        {
            if (element is ResourceReference { Reference: { } value } && fullUrls.Contains(value))
            {
                return (value, path);
            }
        }

        return null;
    }

    private async Task<string> ResolveReferenceAsync(
        string value, string path, Placeholders placeholders, EntryRequest entry, CancellationToken cancellationToken)
    {
        if (placeholders.TryResolve(value, out var target))
        {
            return target;
        }

        if (Placeholders.IsPlaceholder(value))
        {
            throw FhirException.BadRequest(
                $"{entry.Path}: the reference '{value}' at {path} names no entry of the transaction; a urn:uuid: or urn:oid: reference must be the fullUrl of one.",
                path);
        }

        var query = value.IndexOf('?', StringComparison.Ordinal);
        if (query <= 0 || !ModelInfo.IsKnownResource(value[..query]))
        {
            return value;
        }

        var type = value[..query];
        string? found;
        try
        {
            found = await conditional.ResolveAsync(type, EntryQuery.Parse(value[(query + 1)..]), cancellationToken);
        }
        catch (FhirException e)
        {
            var outcome = EntryFailure.Readdress(e.Outcome, entry, resourceType: null);
            outcome.Issue.ForEach(issue => issue.Expression = [path]);
            throw FhirException.WithOutcome(e.StatusCode, outcome);
        }

        return found ?? throw FhirException.BadRequest(
            $"{entry.Path}: the conditional reference '{value}' at {path} matches no {type}.", path);
    }

    /// <summary>
    /// Links in the narrative to a declared fullUrl, in <c>href</c> or <c>src</c> attributes, point
    /// to the resource instead. One pass over the narrative with a lookup per link, so the work
    /// grows with the narrative, not with narrative times entries.
    /// </summary>
    private static string RewriteLinks(string div, Placeholders placeholders) =>
        LinkAttribute().Replace(div, match =>
        {
            var value = match.Groups["value"];
            return placeholders.TryResolve(value.Value, out var target)
                ? string.Concat(match.Value.AsSpan(0, value.Index - match.Index), target, match.Value.AsSpan(value.Index - match.Index + value.Length))
                : match.Value;
        });

    // Linear time whatever the narrative holds: no backtracking engine on client input.
    [GeneratedRegex("""\b(?:href|src)\s*=\s*(?:"(?<value>[^"]*)"|'(?<value>[^']*)')""", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex LinkAttribute();

    /// <summary>
    /// Every element below <paramref name="root"/> with its FHIRPath, depth first. A Bundle inside
    /// is not entered: its references resolve among its own entries (bundle.html#references).
    /// </summary>
    internal static IEnumerable<(Base Element, string Path)> Descendants(Base root, string rootPath)
    {
        if (root is Bundle)
        {
            yield break;
        }

        var pending = new Stack<(Base, string)>();
        pending.Push((root, rootPath));
        while (pending.Count > 0)
        {
            var (element, path) = pending.Pop();
            yield return (element, path);
            foreach (var (name, value) in element.EnumerateElements())
            {
                switch (value)
                {
                    case Bundle or string:
                        break;
                    case Base child:
                        pending.Push((child, $"{path}.{name}"));
                        break;
                    case IEnumerable list:
                        var i = 0;
                        foreach (var item in list)
                        {
                            if (item is Base child and not Bundle)
                            {
                                pending.Push((child, $"{path}.{name}[{i}]"));
                            }

                            i++;
                        }

                        break;
                }
            }
        }
    }
}
